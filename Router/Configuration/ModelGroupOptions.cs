namespace Switchyard.Router.Configuration;

public sealed class ModelGroupOptions
{
    /// <summary>Deployment names, in priority order.</summary>
    public List<string> Deployments { get; set; } = [];

    /// <summary>priority, round-robin, weighted-shuffle, least-busy, lowest-latency, latency-aware or most-remaining-capacity.</summary>
    public string Strategy { get; set; } = "priority";

    /// <summary>Groups to fall back to, in order, each with the failures that trigger it.</summary>
    public List<FallbackOptions> Fallbacks { get; set; } = [];

    /// <summary>
    /// Mid-stream continuation: a stream that fails or stalls after tokens were sent is continued on another
    /// deployment of the same model in the group, its partial answer sent as an assistant prefill (off by default).
    /// </summary>
    public bool ContinueStreams { get; set; }

    /// <summary>Hedge slow first tokens on another deployment; null = Routing:ResponseTime:Hedging:Enabled.</summary>
    public bool? Hedging { get; set; }
}

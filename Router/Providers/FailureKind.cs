namespace Switchyard.Router.Providers;

/// <summary>What went wrong with a provider call, as far as routing decisions go.</summary>
public enum FailureKind
{
    /// <summary>429 throttling or a quota exceeded: try elsewhere or later.</summary>
    Throttled,

    /// <summary>503, connection refused or reset, ModelNotReady: the deployment is down for now.</summary>
    Unavailable,

    /// <summary>500/502/504, a broken stream, an answer that cannot be read: retryable server fault.</summary>
    ServerError,

    /// <summary>No answer (or no first token) within the deadline.</summary>
    Timeout,

    /// <summary>The prompt does not fit the model's context window: a larger model may take it.</summary>
    ContextWindowExceeded,

    /// <summary>The provider's content filter or guardrail blocked the request or answer.</summary>
    ContentFiltered,

    /// <summary>400/403/404/413 and the like: the request itself is wrong; never retried.</summary>
    ClientError,
}

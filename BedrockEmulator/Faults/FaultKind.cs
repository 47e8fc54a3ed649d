using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.Faults;

[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
internal enum FaultKind
{
    /// <summary>503 ServiceUnavailableException.</summary>
    [JsonStringEnumMemberName("outage")] Outage,

    /// <summary>500 InternalServerException with probability <c>rate</c>.</summary>
    [JsonStringEnumMemberName("error-rate")] ErrorRate,

    /// <summary>429 ThrottlingException with probability <c>rate</c>.</summary>
    [JsonStringEnumMemberName("throttle")] Throttle,

    /// <summary><c>latencyMs</c> more before the first token.</summary>
    [JsonStringEnumMemberName("latency")] Latency,

    /// <summary>No answer until the client gives up.</summary>
    [JsonStringEnumMemberName("hang")] Hang,

    /// <summary>A stream ends after <c>afterEvents</c> events with a modelStreamErrorException.</summary>
    [JsonStringEnumMemberName("stream-cut")] StreamCut,

    /// <summary>429 ModelNotReadyException.</summary>
    [JsonStringEnumMemberName("model-not-ready")] ModelNotReady,
}

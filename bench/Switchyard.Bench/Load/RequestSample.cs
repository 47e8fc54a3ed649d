namespace Switchyard.Bench.Load;

/// <summary>
/// One request as the client saw it. Times are milliseconds: start from the beginning of the run,
/// latency to the end of the body, first token to the first SSE chunk with content (streams only, else NaN).
/// LocalAdmission: the Router admitted the tenant by its local fallback (header x-switchyard-admission).
/// Events: the <c>data</c> events of a stream, <c>[DONE]</c> included (0 for a whole answer).
/// </summary>
public readonly record struct RequestSample(
    bool Completed, double StartMs, double LatencyMs, double FirstTokenMs, int Status, bool Succeeded, int Attempts, int TotalTokens, bool LocalAdmission = false, int Events = 0);

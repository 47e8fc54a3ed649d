namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>What an InvokeModel call keeps of its body: the format it came in and its stop sequences.</summary>
internal sealed record InvokeRequest(IInvokeBodyFormat Format, IReadOnlyList<string>? StopSequences);

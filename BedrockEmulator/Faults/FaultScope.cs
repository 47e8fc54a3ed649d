namespace Switchyard.BedrockEmulator.Faults;

/// <summary>What a request is, for fault matching.</summary>
internal readonly record struct FaultScope(string Account, string SourceRegion, string ServedRegion, string ModelId, string RequestedModel);

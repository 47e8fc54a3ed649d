namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>fields a, b</c>: only these fields go on.</summary>
internal sealed record FieldsCommand(IReadOnlyList<string> Fields) : QueryCommand;

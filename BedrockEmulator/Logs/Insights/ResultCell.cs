namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A field of a result row as GetQueryResults shows it.</summary>
internal readonly record struct ResultCell(string Field, string Value);

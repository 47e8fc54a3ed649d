namespace Switchyard.Admission;

/// <summary>A request admitted locally: its window entry id, when (unix ms) and the tokens it counts.</summary>
internal readonly record struct LocalAdmission(string Id, long AtUnixMs, long Tokens);

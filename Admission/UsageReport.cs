namespace Switchyard.Admission;

/// <summary>What a finished request really used.</summary>
public readonly record struct UsageReport(long InputTokens, long OutputTokens, decimal CostUsd);

namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary><c>filter &lt;condition&gt;</c>.</summary>
internal sealed record FilterCommand(QueryExpression Condition) : QueryCommand;

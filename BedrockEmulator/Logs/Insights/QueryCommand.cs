namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>One command of a query's pipeline (the commands are separated by <c>|</c>).</summary>
internal abstract record QueryCommand;

namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>One command of a query's pipeline (the commands are separated by <c>|</c>).</summary>
internal abstract record QueryCommand;

/// <summary><c>fields a, b</c>: only these fields go on.</summary>
internal sealed record FieldsCommand(IReadOnlyList<string> Fields) : QueryCommand;

/// <summary><c>filter &lt;condition&gt;</c>.</summary>
internal sealed record FilterCommand(QueryExpression Condition) : QueryCommand;

/// <summary><c>stats count(*) [as name], ... [by field, ...]</c>: one row per group, the group's fields then its counts.</summary>
internal sealed record StatsCommand(IReadOnlyList<string> Counts, IReadOnlyList<string> By) : QueryCommand;

/// <summary><c>sort field [asc|desc], ...</c> (ascending by default).</summary>
internal sealed record SortCommand(IReadOnlyList<SortKey> Keys) : QueryCommand;

internal sealed record SortKey(string Field, bool Descending);

/// <summary><c>limit n</c>.</summary>
internal sealed record LimitCommand(int Count) : QueryCommand;

/// <summary>A parsed query: its commands in order and the fields each result row shows.</summary>
internal sealed record InsightsQuery(IReadOnlyList<QueryCommand> Commands, IReadOnlyList<string> OutputFields);

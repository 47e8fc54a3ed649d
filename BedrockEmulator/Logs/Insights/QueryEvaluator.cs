namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>Runs a parsed query over events, command by command.</summary>
internal static class QueryEvaluator
{
    /// <param name="events">The events in the order rows come without a <c>sort</c> (the Logs API gives the newest first).</param>
    /// <param name="limit">The most rows to return (StartQuery's <c>limit</c>).</param>
    public static QueryResult Run(InsightsQuery query, IEnumerable<IQueryRow> events, int limit)
    {
        List<IQueryRow> rows = [.. events];
        long? matched = null;
        foreach (var command in query.Commands)
        {
            if (command is StatsCommand && matched is null)
            {
                // recordsMatched counts the events that reach the first stats (or the end).
                matched = rows.Count;
            }

            rows = command switch
            {
                FieldsCommand fields => rows.ConvertAll<IQueryRow>(row => Project(row, fields.Fields)),
                FilterCommand filter => rows.FindAll(row => filter.Condition.Evaluate(row).IsTrue),
                StatsCommand stats => Group(rows, stats),
                SortCommand sort => Sort(rows, sort.Keys),
                LimitCommand take => rows.Count > take.Count ? rows[..take.Count] : rows,
                _ => throw new InvalidOperationException($"Unknown command {command}"),
            };
        }

        var result = rows.Take(limit).Select(row => (IReadOnlyList<ResultCell>)[
            .. from field in query.OutputFields
               let value = row.Get(field).Display
               where value is not null
               select new ResultCell(field, value)]).ToList();
        return new QueryResult(result, matched ?? rows.Count);
    }

    private static QueryRow Project(IQueryRow row, IReadOnlyList<string> fields) =>
        new(fields.ToDictionary(field => field, row.Get, StringComparer.Ordinal));

    private static List<IQueryRow> Group(List<IQueryRow> rows, StatsCommand stats)
    {
        // Groups in the order their first row comes; a query without 'by' has one group, even of no rows.
        var groups = new Dictionary<GroupKey, (int Order, QueryValue[] Values, long Count)>();
        if (stats.By.Count == 0)
        {
            groups[new GroupKey([])] = (0, [], 0);
        }

        foreach (var row in rows)
        {
            var values = stats.By.Select(row.Get).ToArray();
            var key = new GroupKey(values);
            var group = groups.GetValueOrDefault(key, (groups.Count, values, 0));
            groups[key] = group with { Count = checked(group.Count + 1) };
        }

        return [.. groups.Values.OrderBy(g => g.Order).Select(g =>
        {
            var fields = new Dictionary<string, QueryValue>(StringComparer.Ordinal);
            for (var i = 0; i < stats.By.Count; i++)
            {
                fields[stats.By[i]] = g.Values[i];
            }

            foreach (var count in stats.Counts)
            {
                fields[count] = QueryValue.FromNumber(g.Count);
            }

            return (IQueryRow)new QueryRow(fields);
        })];
    }

    /// <summary>A stable sort, so rows equal on every key keep their order.</summary>
    private static List<IQueryRow> Sort(List<IQueryRow> rows, IReadOnlyList<SortKey> keys)
    {
        IOrderedEnumerable<IQueryRow>? ordered = null;
        foreach (var key in keys)
        {
            ordered = (ordered, key.Descending) switch
            {
                (null, false) => rows.OrderBy(row => row.Get(key.Field), NaturalOrder.Instance),
                (null, true) => rows.OrderByDescending(row => row.Get(key.Field), NaturalOrder.Instance),
                (_, false) => ordered.ThenBy(row => row.Get(key.Field), NaturalOrder.Instance),
                (_, true) => ordered.ThenByDescending(row => row.Get(key.Field), NaturalOrder.Instance),
            };
        }

        return ordered is null ? rows : [.. ordered];
    }

    /// <summary>The values of a group's 'by' fields, compared value by value.</summary>
    private readonly struct GroupKey(QueryValue[] values) : IEquatable<GroupKey>
    {
        private readonly QueryValue[] _values = values;

        public bool Equals(GroupKey other) => _values.AsSpan().SequenceEqual(other._values);

        public override bool Equals(object? obj) => obj is GroupKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var value in _values)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }
    }
}

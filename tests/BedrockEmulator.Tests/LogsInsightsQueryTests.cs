using System.Globalization;
using CsCheck;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Logs;
using Switchyard.BedrockEmulator.Logs.Insights;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>The Logs Insights subset on its own: parser, checks and evaluator, by example and by property.</summary>
public sealed class LogsInsightsQueryTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 12, 3, 16, 0, 0, TimeSpan.Zero);
    private static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"];
    private static readonly string[] Models = ["us.anthropic.claude-sonnet-4-6", "anthropic.claude-sonnet-4-6", "amazon.nova-lite-v1:0", "eu.amazon.nova-lite-v1:0"];

    private static readonly Dictionary<string, QueryType> Schema = new()
    {
        ["@timestamp"] = QueryType.Timestamp,
        ["@message"] = QueryType.String,
        ["region"] = QueryType.String,
        ["modelId"] = QueryType.String,
        ["tokens"] = QueryType.Number,
    };

    [Fact]
    public void The_sample_query_works_verbatim_on_model_invocation_events()
    {
        const string query = @"filter modelId like /inference-profile\/us.anthropic.claude-sonnet-4-6/ and toMillis(@timestamp) >= 1764780000000 | stats count(*) as invocationCount by inferenceRegion | sort inferenceRegion";
        var before = DateTimeOffset.FromUnixTimeMilliseconds(1764780000000).AddSeconds(-1);
        var after = DateTimeOffset.FromUnixTimeMilliseconds(1764780000000);
        InvocationRecord[] records =
        [
            Record(after, "us-east-2", "us.anthropic.claude-sonnet-4-6"),
            Record(after.AddSeconds(1), "us-west-2", "us.anthropic.claude-sonnet-4-6"),
            Record(after.AddSeconds(2), "us-east-2", "us.anthropic.claude-sonnet-4-6"),
            Record(after.AddSeconds(3), "us-east-1", "us.anthropic.claude-sonnet-4-6"),
            Record(after.AddSeconds(4), "us-east-1", "anthropic.claude-sonnet-4-6"),
            Record(after.AddSeconds(5), "us-east-1", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            Record(before, "us-west-2", "us.anthropic.claude-sonnet-4-6"),
            Record(after.AddSeconds(6), "us-west-2", "us.anthropic.claude-sonnet-4-6") with { Outcome = "throttled" },
        ];
        var events = records.Select(r => ModelInvocationEvent.From(r, "111111111111", ModelInvocationLogGroup.Name)).OfType<IQueryRow>().Reverse();

        var result = QueryEvaluator.Run(QueryParser.Parse(query, ModelInvocationEvent.Fields), events, 1000);

        Assert.Equal(
            [["inferenceRegion=us-east-1", "invocationCount=1"], ["inferenceRegion=us-east-2", "invocationCount=2"], ["inferenceRegion=us-west-2", "invocationCount=1"]],
            Show(result));
        Assert.Equal(4, result.RecordsMatched);
    }

    [Fact]
    public void Fields_projects_in_the_order_listed_and_leaves_out_missing_values()
    {
        var result = Run("fields tokens, nothing, region | sort tokens desc | limit 2", Row(0, "us-east-1", "m", 5), Row(1, "eu-west-1", "m", 9), Row(2, "us-west-2", "m", 7));

        Assert.Equal([["tokens=9", "region=eu-west-1"], ["tokens=7", "region=us-west-2"]], Show(result));
    }

    [Fact]
    public void Without_fields_or_stats_rows_show_timestamp_and_message_in_the_order_given()
    {
        var result = Run("filter tokens > 1", Row(2, "a", "m", 3), Row(1, "b", "m", 1), Row(0, "c", "m", 2));

        Assert.Equal([["@timestamp=2026-12-03 16:00:00.002", "@message=message 2"], ["@timestamp=2026-12-03 16:00:00.000", "@message=message 0"]], Show(result));
    }

    [Theory]
    [InlineData("filter tokens = 5", "5")]
    [InlineData("filter tokens != 5", "1,9,12")]
    [InlineData("filter tokens < 9", "5,1")]
    [InlineData("filter tokens <= 9", "5,1,9")]
    [InlineData("filter tokens > 5", "9,12")]
    [InlineData("filter tokens >= 9", "9,12")]
    [InlineData("filter tokens >= 1.5 and tokens < 10", "5,9")]
    [InlineData("filter region = 'eu-west-1'", "9")]
    [InlineData("filter region = \"eu-west-1\" or tokens = 1", "1,9")]
    [InlineData("filter region like \"east\"", "5,1")]
    [InlineData("filter region like 'EAST'", "")]
    [InlineData("filter region like /^us-(east|west)-2$/", "1,12")]
    [InlineData("filter modelId like /inference-profile\\/us\\./", "5,12")]
    [InlineData("filter region not like /east/", "9,12")]
    [InlineData("filter not region like /east/ and tokens > 10", "12")]
    [InlineData("filter tokens = 1 or tokens = 5 and region = 'nowhere'", "1")]
    [InlineData("filter (tokens = 1 or tokens = 5) and region = 'us-east-1'", "5")]
    [InlineData("filter not (tokens = 1 or tokens = 5)", "9,12")]
    [InlineData("filter toMillis(@timestamp) >= 1796313600002", "9,12")]
    [InlineData("filter missing = 1 or missing != 1", "")]
    [InlineData("FILTER tokens > 5 AND region LIKE /west/ | SORT tokens DESC", "12,9")]
    public void Filter_conditions(string query, string tokens)
    {
        var result = Run($"{query} | fields tokens",
            Row(0, "us-east-1", "arn:aws:bedrock:us-east-1:1:inference-profile/us.x", 5), Row(1, "us-east-2", "x", 1),
            Row(2, "eu-west-1", "x", 9), Row(3, "us-west-2", "arn:aws:bedrock:us-east-1:1:inference-profile/us.y", 12));

        Assert.Equal(tokens, string.Join(",", result.Rows.Select(row => row.Single().Value)));
    }

    [Fact]
    public void Stats_counts_by_one_or_more_fields_in_first_seen_order_and_without_by_in_one_row()
    {
        IQueryRow[] rows = [Row(0, "b", "m1", 1), Row(1, "a", "m1", 1), Row(2, "b", "m2", 1), Row(3, "b", "m1", 1), Row(4, "c", "m1", 1)];

        Assert.Equal([["region=b", "count(*)=3"], ["region=a", "count(*)=1"], ["region=c", "count(*)=1"]], Show(Run("stats count(*) by region", rows)));
        Assert.Equal([["region=b", "modelId=m1", "n=2", "m=2"], ["region=a", "modelId=m1", "n=1", "m=1"], ["region=b", "modelId=m2", "n=1", "m=1"], ["region=c", "modelId=m1", "n=1", "m=1"]],
            Show(Run("stats count(*) as n, count(*) as m by region, modelId", rows)));
        Assert.Equal([["total=5"]], Show(Run("stats count(*) as total", rows)));
        Assert.Equal([["total=0"]], Show(Run("stats count(*) as total")));
        Assert.Equal([["region=b", "n=3"]], Show(Run("stats count(*) as n by region | filter n > 1", rows)));
        Assert.Equal([["groups=3"]], Show(Run("stats count(*) as n by region | stats count(*) as groups", rows)));
    }

    [Fact]
    public void Sort_is_natural_ascending_by_default_and_takes_several_keys()
    {
        IQueryRow[] rows = [Row(0, "a10", "x", 2), Row(1, "a9", "y", 1), Row(2, "10", "x", 1), Row(3, "B", "y", 2), Row(4, "a9", "x", 3), Row(5, "!", "x", 1)];

        Assert.Equal("!,B,a9,a9,a10,10", string.Join(",", Run("sort region | fields region", rows).Rows.Select(r => r.Single().Value)));
        Assert.Equal("10,a10,a9,a9,B,!", string.Join(",", Run("sort region desc | fields region", rows).Rows.Select(r => r.Single().Value)));
        Assert.Equal("x:3,x:2,x:1,x:1,y:2,y:1", string.Join(",", Run("sort modelId asc, tokens desc | fields modelId, tokens", rows).Rows.Select(r => $"{r[0].Value}:{r[1].Value}")));
    }

    [Fact]
    public void Limit_and_the_request_limit_cap_the_rows()
    {
        IQueryRow[] rows = [.. Enumerable.Range(0, 10).Select(i => Row(i, "r", "m", i))];

        Assert.Equal(3, Run("fields tokens | limit 3", rows).Rows.Count);
        Assert.Equal(2, QueryEvaluator.Run(QueryParser.Parse("fields tokens | limit 3", Schema), rows, 2).Rows.Count);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("fields", "")]
    [InlineData("fields tokens,", "")]
    [InlineData("fields tokens as t", "as")]
    [InlineData("fields tokens, tokens", "tokens")]
    [InlineData("filter", "")]
    [InlineData("filter tokens", "tokens")]
    [InlineData("filter tokens >", "")]
    [InlineData("filter tokens > 'x'", "tokens")]
    [InlineData("filter region = 5", "region")]
    [InlineData("filter @timestamp > 1764780000000", "@timestamp")]
    [InlineData("filter tokens and region = 'a'", "and")]
    [InlineData("filter region = 'a' or tokens", "or")]
    [InlineData("filter not tokens", "not")]
    [InlineData("filter (region = 'a'", "")]
    [InlineData("filter region = 'a')", ")")]
    [InlineData("filter region like 5", "5")]
    [InlineData("filter tokens like /5/", "tokens")]
    [InlineData("filter region like /(/", "/(/")]
    [InlineData("filter region like /(a)\\1/", "/(a)\\1/")]
    [InlineData("filter region like /a", "/a")]
    [InlineData("filter region = \"a", "\"a")]
    [InlineData("filter toMillis(region) > 1", "region")]
    [InlineData("filter upper(region) = 'A'", "upper")]
    [InlineData("filter region = 'a' # comment", "#")]
    [InlineData("filter tokens + 1 > 2", "+")]
    [InlineData("filter region in 'a'", "in")]
    [InlineData("stats", "")]
    [InlineData("stats sum(tokens)", "sum")]
    [InlineData("stats count(tokens)", "tokens")]
    [InlineData("stats count(*) as n, count(*) as n", "n")]
    [InlineData("stats count(*) by bin(5m)", "5m")]
    [InlineData("stats count(*) by region | sort tokens", "tokens")]
    [InlineData("fields region | filter tokens > 1", "tokens")]
    [InlineData("sort", "")]
    [InlineData("sort tokens up", "up")]
    [InlineData("limit 0", "0")]
    [InlineData("limit 10001", "10001")]
    [InlineData("limit 2.5", "2.5")]
    [InlineData("parse @message 'a * b' as x", "parse")]
    [InlineData("dedup region", "dedup")]
    [InlineData("display region", "display")]
    [InlineData("select region", "select")]
    [InlineData("fields region fields tokens", "fields")]
    [InlineData("fields region || limit 1", "|")]
    public void A_query_outside_the_subset_is_malformed_with_where_it_went_wrong(string query, string at) // at: the text the error points to
    {
        var error = Assert.Throws<MalformedQueryException>(() => QueryParser.Parse(query, Schema));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.InRange(error.Start, 0, query.Length);
        Assert.InRange(error.End, error.Start, query.Length);
        Assert.Equal(at, query[error.Start..error.End]);
    }

    /// <summary>Random conditions, printed fully parenthesised, select exactly the rows a C# oracle of the same tree selects.</summary>
    [Fact]
    public void Filter_agrees_with_an_oracle_on_random_conditions() =>
        Gen.Select(Conditions(3), RowsGen).Sample((condition, rows) =>
        {
            var result = Run($"filter {condition.Text} | fields tokens, region, modelId", [.. rows.Select(r => r.Row)]);

            var expected = rows.Where(r => condition.Holds(r)).Select(r => $"{r.Tokens.ToString(CultureInfo.InvariantCulture)}|{r.Region}|{r.Model}");
            Assert.Equal(expected, result.Rows.Select(row => string.Join("|", row.Select(cell => cell.Value))));
        }, iter: 300);

    /// <summary>count(*) by region after a filter is LINQ's GroupBy, and the counts add up to the matched records.</summary>
    [Fact]
    public void Stats_agrees_with_GroupBy() =>
        Gen.Select(RowsGen, Gen.Int[0, 500]).Sample((rows, threshold) =>
        {
            var result = Run($"filter tokens >= {threshold} | stats count(*) as n by region | sort region", [.. rows.Select(r => r.Row)]);

            var expected = rows.Where(r => r.Tokens >= threshold).GroupBy(r => r.Region).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new[] { $"region={g.Key}", $"n={g.Count()}" });
            Assert.Equal(expected, Show(result));
            Assert.Equal(rows.Count(r => r.Tokens >= threshold), result.RecordsMatched);
        }, iter: 300);

    /// <summary>sort ... desc | limit n is the n largest, in order.</summary>
    [Fact]
    public void Sort_and_limit_give_the_top_n() =>
        Gen.Select(RowsGen, Gen.Int[1, 30]).Sample((rows, n) =>
        {
            var result = Run($"sort tokens desc | limit {n} | fields tokens", [.. rows.Select(r => r.Row)]);

            Assert.Equal(rows.Select(r => r.Tokens).OrderByDescending(t => t).Take(n).Select(t => t.ToString(CultureInfo.InvariantCulture)),
                result.Rows.Select(row => row.Single().Value));
        }, iter: 200);

    /// <summary>Natural order is antisymmetric and sorting with it does not depend on the order given.</summary>
    [Fact]
    public void Natural_order_is_a_consistent_total_order() =>
        Gen.String[Gen.Char["ab9Z_!0 ."], 0, 6].Array[0, 12].Sample(texts =>
        {
            var values = texts.Select(QueryValue.FromString).ToArray();
            foreach (var x in values)
            {
                foreach (var y in values)
                {
                    Assert.Equal(Math.Sign(NaturalOrder.Instance.Compare(x, y)), -Math.Sign(NaturalOrder.Instance.Compare(y, x)));
                }
            }

            var sorted = values.Order(NaturalOrder.Instance).ToList();
            var sortedReversed = values.Reverse().Order(NaturalOrder.Instance).ToList();
            Assert.Equal(sorted.Select(v => NaturalOrder.Instance.Compare(v, sorted[0])), sortedReversed.Select(v => NaturalOrder.Instance.Compare(v, sortedReversed[0])));
            for (var i = 1; i < sorted.Count; i++)
            {
                Assert.True(NaturalOrder.Instance.Compare(sorted[i - 1], sorted[i]) <= 0);
            }
        }, iter: 300);

    /// <summary>Whatever the text, the parser answers a query or a MalformedQueryException, and a parsed query runs.</summary>
    [Fact]
    public void Any_text_parses_or_is_malformed() =>
        Gen.OneOf("filter ", "fields ", "stats ", "sort ", "limit ", "count(*) ", "by ", "as ", "and ", "or ", "not ", "like ", "| ", ", ", "(", ")", "tokens ", "region ",
                "@timestamp ", "toMillis(@timestamp) ", "= ", "!= ", "< ", ">= ", "5 ", "-2.5 ", "'us' ", "\"a\\\"b\" ", "/a\\/b/ ", "/(/ ", "desc ", "`odd name` ", "# ", "10001 ")
            .Array[0, 12].Select(parts => string.Concat(parts)).Sample(query =>
            {
                try
                {
                    Run(query, Row(0, "us-east-1", "m", 5), Row(1, "eu-west-1", "m", 7));
                }
                catch (MalformedQueryException e)
                {
                    Assert.InRange(e.Start, 0, query.Length);
                    Assert.InRange(e.End, e.Start, query.Length);
                }
            }, iter: 2000);

    private static readonly Gen<TestRow[]> RowsGen =
        Gen.Select(Gen.Int[0, 500], Gen.Int[0, Regions.Length - 1], Gen.Int[0, Models.Length - 1])
            .Array[0, 40]
            .Select(rows => rows.Select((r, i) => new TestRow(i, r.Item1, Regions[r.Item2], Models[r.Item3])).ToArray());

    private static Gen<Condition> Conditions(int depth)
    {
        var leaf = Gen.OneOf<Condition>(
            Gen.Select(Gen.Int[0, 5], Gen.Int[0, 500], (op, n) => Comparison(op, n)),
            Gen.Int[0, Regions.Length - 1].Select(i => new Condition($"region = '{Regions[i]}'", r => r.Region == Regions[i])),
            Gen.OneOf("east", "west", "-2", "eu").Select(s => new Condition($"region like \"{s}\"", r => r.Region.Contains(s, StringComparison.Ordinal))),
            Gen.OneOf("^us\\.", "sonnet", "nova-lite-v1:0$").Select(p => new Condition($"modelId like /{p}/", r => System.Text.RegularExpressions.Regex.IsMatch(r.Model, p))));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Conditions(depth - 1);
        return Gen.Frequency<Condition>(
            (3, leaf),
            (1, Gen.Select(inner, inner, (a, b) => new Condition($"({a.Text}) and ({b.Text})", r => a.Holds(r) && b.Holds(r)))),
            (1, Gen.Select(inner, inner, (a, b) => new Condition($"({a.Text}) or ({b.Text})", r => a.Holds(r) || b.Holds(r)))),
            (1, inner.Select(a => new Condition($"not ({a.Text})", r => !a.Holds(r)))));

        static Condition Comparison(int op, int n) => op switch
        {
            0 => new($"tokens = {n}", r => r.Tokens == n),
            1 => new($"tokens != {n}", r => r.Tokens != n),
            2 => new($"tokens < {n}", r => r.Tokens < n),
            3 => new($"tokens <= {n}", r => r.Tokens <= n),
            4 => new($"tokens > {n}", r => r.Tokens > n),
            _ => new($"tokens >= {n}", r => r.Tokens >= n),
        };
    }

    private static QueryResult Run(string query, params IQueryRow[] rows) => QueryEvaluator.Run(QueryParser.Parse(query, Schema), rows, QueryParser.MaxLimit);

    private static List<string[]> Show(QueryResult result) => [.. result.Rows.Select(row => row.Select(cell => $"{cell.Field}={cell.Value}").ToArray())];

    private static QueryRow Row(int ms, string region, string model, double tokens) => new(new Dictionary<string, QueryValue>
    {
        ["@timestamp"] = QueryValue.FromTimestamp(Epoch.AddMilliseconds(ms)),
        ["@message"] = QueryValue.FromString($"message {ms}"),
        ["region"] = QueryValue.FromString(region),
        ["modelId"] = QueryValue.FromString(model),
        ["tokens"] = QueryValue.FromNumber(tokens),
    });

    private static InvocationRecord Record(DateTimeOffset time, string servedRegion, string requestedModel) =>
        new(time, Guid.NewGuid().ToString(), "primary", servedRegion, "us-east-1", requestedModel[(requestedModel.IndexOf("anthropic", StringComparison.Ordinal))..],
            requestedModel, "converse", 10, 20, "success", 200, 100);

    private sealed record Condition(string Text, Func<TestRow, bool> Holds);

    private sealed record TestRow(int Index, int Tokens, string Region, string Model)
    {
        public QueryRow Row { get; } = LogsInsightsQueryTests.Row(Index, Region, Model, Tokens);
    }
}

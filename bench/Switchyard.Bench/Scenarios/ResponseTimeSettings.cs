using System.Globalization;

namespace Switchyard.Bench.Scenarios;

/// <summary>
/// The response-time scenario's knobs, read from the environment, so that a run can vary the Router's
/// response-time settings (issue 14) without a rebuild:
/// <list type="bullet">
/// <item><c>SWITCHYARD_BENCH_RT_SECONDS</c>: seconds of load per phase; default 60 (3 with --smoke); 20 is the short mode.</item>
/// <item><c>SWITCHYARD_BENCH_RT_ROUTER</c>: Router settings for every phase (hedging, adaptive deadlines, a latency-aware
/// strategy), as <c>Key=value;Key=value</c> in environment-variable form, <c>{group}</c> standing for the model group,
/// e.g. <c>Routing__ModelGroups__{group}__Strategy=lowest-latency</c>. They are added after the bench's routing table, so they win.</item>
/// <item><c>SWITCHYARD_BENCH_RT_CONTINUATION</c>: the Router settings added for the continuation phase only (same form);
/// unset: <see cref="DefaultContinuation"/>, the group's own opt-in, since continuation is off by default in the Router.
/// Set but empty: that phase measures the Router as it ships, without continuation.</item>
/// <item><c>SWITCHYARD_BENCH_RT_HEDGE_BUDGET</c>: the hedge budget those settings configure, as a share; default 0.10 (the
/// issue's default). It is the goal for extra upstream calls during the faults.</item>
/// </list>
/// </summary>
public sealed record ResponseTimeSettings(
    TimeSpan Phase, IReadOnlyDictionary<string, string> Router, IReadOnlyDictionary<string, string> Continuation, double HedgeBudget)
{
    public const string SecondsVariable = "SWITCHYARD_BENCH_RT_SECONDS";
    public const string RouterVariable = "SWITCHYARD_BENCH_RT_ROUTER";
    public const string ContinuationVariable = "SWITCHYARD_BENCH_RT_CONTINUATION";
    public const string HedgeBudgetVariable = "SWITCHYARD_BENCH_RT_HEDGE_BUDGET";

    /// <summary>Hedging and adaptive deadlines are on by default in the Router; continuation is opt-in per model group.</summary>
    public const string DefaultContinuation = "Routing__ModelGroups__{group}__ContinueStreams=true";

    public static ResponseTimeSettings FromEnvironment(BenchOptions options, string group)
    {
        var seconds = Number(SecondsVariable, options.Smoke ? 3 : 60);
        var budget = Number(HedgeBudgetVariable, 0.10);
        if (seconds is < 1 or > 3_600 || budget is < 0 or > 1)
        {
            throw new ArgumentException($"{SecondsVariable} must be 1..3600 and {HedgeBudgetVariable} 0..1.");
        }

        return new ResponseTimeSettings(TimeSpan.FromSeconds(seconds), Pairs(RouterVariable, group),
            Pairs(ContinuationVariable, group, DefaultContinuation), budget);
    }

    /// <summary>The settings as the report quotes them: "none" when empty.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0 ? "none" : string.Join("; ", settings.Select(s => $"`{s.Key}={s.Value}`"));

    private static double Number(string variable, double fallback)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{variable}='{text}' is not a number.");
    }

    private static Dictionary<string, string> Pairs(string variable, string group, string unset = "")
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in (Environment.GetEnvironmentVariable(variable) ?? unset).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 1)
            {
                throw new ArgumentException($"{variable}: '{pair}' is not Key=value.");
            }

            settings[pair[..equals].Trim().Replace("{group}", group, StringComparison.Ordinal)] = pair[(equals + 1)..].Trim();
        }

        return settings;
    }
}

using System.Globalization;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>Formatting shared by the scenario tables.</summary>
internal static class Cells
{
    public static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Percent(int part, int whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    public static string Milliseconds(IEnumerable<TimeSpan> durations) =>
        durations.DefaultIfEmpty().Average(d => d.TotalMilliseconds).ToString("0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Per-request detail shared by the scenarios that fire a burst of requests.</summary>
    public static TextTable Requests(IEnumerable<RequestResult> results) => new(
        "Requests",
        ["#", "Model group", "Status", "Served by", "Region", "Account", "Model", "Attempts", "Fallback", "Time"],
        [.. results.Select(r => (IReadOnlyList<string>)
        [
            Count(r.Index), r.Request.ModelGroup, r.Succeeded ? "ok" : r.RateLimited ? "429 rate limited" : $"{r.StatusCode} failed",
            r.ServedBy?.Deployment ?? "-", r.ServedBy?.Region ?? "-", r.ServedBy?.Account ?? "-", r.ResponseModel ?? r.ServedBy?.Model ?? "-",
            r.ServedBy is { } s ? Count(s.Attempts) : "-", r.ServedBy?.Fallback == true ? "yes" : "no",
            Milliseconds([r.Elapsed]),
        ])]);
}

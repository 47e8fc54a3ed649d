namespace Switchyard.Bench.Reporting;

/// <summary>What one scenario measured: tables, target checks, findings and plots, all filled by the suite.</summary>
public sealed class ScenarioReport(string id, string title)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public string LoadBefore { get; set; } = "";

    public string LoadAfter { get; set; } = "";

    public double Seconds { get; set; }

    public List<ReportTable> Tables { get; } = [];

    public List<TargetCheck> Targets { get; } = [];

    public List<string> Findings { get; } = [];

    /// <summary>PNG file names under docs/images.</summary>
    public List<string> Plots { get; } = [];

    public ReportTable AddTable(string caption, params string[] columns)
    {
        var table = new ReportTable(caption, columns, []);
        Tables.Add(table);
        return table;
    }

    public void Check(string target, string goal, double measured, Func<double, bool> met, string format)
    {
        var valid = !double.IsNaN(measured) && !double.IsInfinity(measured);
        Targets.Add(new TargetCheck(target, goal, valid ? measured.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "n/a", valid ? met(measured) : null));
    }

    /// <summary>Quotes the first failure of a run whose failures are not the point of the scenario.</summary>
    public void NoteFailure(string what, Load.LoadRun run)
    {
        if (run.FirstFailure is { } failure)
        {
            Findings.Add($"{what}: first failed request: `{failure.Replace('`', '\'').ReplaceLineEndings(" ")}`");
        }
    }

    /// <summary>A target this run could not measure, and why.</summary>
    public void NotMeasured(string target, string goal, string why) => Targets.Add(new TargetCheck(target, goal, why, null));
}

public sealed record ReportTable(string Caption, string[] Columns, List<string[]> Rows)
{
    public void Add(params object[] cells) => Rows.Add([.. cells.Select(Format.Cell)]);
}

/// <summary>A target from the issues and what this run measured; Met is null when it could not be measured.</summary>
public sealed record TargetCheck(string Target, string Goal, string Measured, bool? Met);

public static class Format
{
    public static string Cell(object cell) => cell switch
    {
        double d when double.IsNaN(d) => "n/a",
        double d => Math.Abs(d) >= 100 ? d.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    public static string Percent(double ratio) => double.IsNaN(ratio) ? "n/a" : (ratio * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " %";

    public static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MB";
}

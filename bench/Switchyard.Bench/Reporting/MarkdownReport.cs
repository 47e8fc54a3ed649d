using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Bench.Reporting;

/// <summary>
/// Renders docs/benchmarks.md from bench/benchmarks.template.md: the prose lives in the template, every
/// number comes from the run. Placeholders: {{machine}}, {{run}}, {{targets}}, {{scenario:ID}}.
/// </summary>
public static partial class MarkdownReport
{
    public static string Render(string template, BenchReport report) =>
        Placeholder().Replace(template, match => match.Groups[1].Value switch
        {
            "machine" => Machine(report.Machine),
            "run" => Run(report),
            "targets" => Targets(report),
            var name when name.StartsWith("scenario:", StringComparison.Ordinal) =>
                report.Scenarios.FirstOrDefault(s => s.Id == name["scenario:".Length..]) is { } scenario ? Scenario(scenario) : "_Not run._",
            var name => throw new InvalidOperationException($"Unknown placeholder {{{{{name}}}}} in the template."),
        });

    private static string Machine(MachineInfo machine) => Table(
        ["", ""],
        [
            ["CPU", machine.Cpu],
            ["Processors (nproc)", machine.Processors.ToString(CultureInfo.InvariantCulture)],
            ["Memory", machine.Memory],
            ["OS", $"{machine.OperatingSystem}, kernel {machine.Kernel}"],
            [".NET runtime", machine.DotNet],
            ["Node.js", machine.Node],
            ["Store", machine.Store],
        ]);

    private static string Run(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{report.Command}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Run: {report.StartedAt:yyyy-MM-dd HH:mm:ss} to {report.FinishedAt:HH:mm:ss} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min) at start: {report.LoadAtStart}; at end: {report.LoadAtEnd}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Tracing: {report.Tracing}");
        foreach (var failure in report.Failures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **Scenario failed:** {failure}");
        }

        return text.ToString().TrimEnd();
    }

    private static string Targets(BenchReport report) => Table(
        ["Target", "Goal", "Measured", "Met"],
        [.. report.Scenarios.SelectMany(s => s.Targets).Select(t => new[] { t.Target, t.Goal, t.Measured, t.Met switch { true => "yes", false => "**NO**", null => "not measured" } })]);

    private static string Scenario(ScenarioReport scenario)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"_Measured in {scenario.Seconds:0} s; load average before {scenario.LoadBefore}, after {scenario.LoadAfter}._");
        text.AppendLine();
        foreach (var table in scenario.Tables)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**{table.Caption}**");
            text.AppendLine();
            text.AppendLine(Table(table.Columns, table.Rows));
            text.AppendLine();
        }

        foreach (var plot in scenario.Plots)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"![{plot}](images/{plot})");
            text.AppendLine();
        }

        if (scenario.Targets.Count > 0)
        {
            text.AppendLine(Table(["Target", "Goal", "Measured", "Met"],
                [.. scenario.Targets.Select(t => new[] { t.Target, t.Goal, t.Measured, t.Met switch { true => "yes", false => "**NO**", null => "not measured" } })]));
            text.AppendLine();
        }

        foreach (var finding in scenario.Findings)
        {
            text.AppendLine("- " + finding);
        }

        return text.ToString().TrimEnd();
    }

    private static string Table(IReadOnlyList<string> columns, IReadOnlyList<string[]> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", columns) + " |");
        text.AppendLine("|" + string.Concat(columns.Select(_ => "---|")));
        foreach (var row in rows)
        {
            text.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        return text.ToString().TrimEnd();
    }

    [GeneratedRegex(@"\{\{([a-z:-]+)\}\}")]
    private static partial Regex Placeholder();
}

using System.Text;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>What a scenario prints: a headline verdict, its tables, and notes on what to look for.</summary>
public sealed record ScenarioReport(string Scenario, string Title, string Verdict, IReadOnlyList<TextTable> Tables, IReadOnlyList<string> Notes)
{
    public TextTable Table(string title) => Tables.Single(t => t.Title == title);

    public override string ToString()
    {
        var text = new StringBuilder().AppendLine($"== {Title}").AppendLine();
        foreach (var table in Tables)
        {
            text.AppendLine(table.ToString());
        }

        text.AppendLine(Verdict);
        foreach (var note in Notes)
        {
            text.AppendLine(note);
        }

        return text.ToString();
    }
}

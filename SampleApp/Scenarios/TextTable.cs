using System.Text;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>A titled table of text cells, printed with aligned columns like the reference sample's tables.</summary>
public sealed record TextTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>The cell in the first row whose first cell is <paramref name="rowKey"/>, under <paramref name="column"/>.</summary>
    public string Cell(string rowKey, string column) =>
        Rows.First(r => r[0] == rowKey)[IndexOf(column)];

    public override string ToString()
    {
        var widths = Columns.Select((c, i) => Rows.Select(r => r[i].Length).Append(c.Length).Max()).ToArray();
        var text = new StringBuilder().AppendLine(Title);
        AppendRow(text, Columns, widths);
        text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in Rows)
        {
            AppendRow(text, row, widths);
        }

        return text.ToString();
    }

    private int IndexOf(string column) =>
        Columns.ToList().IndexOf(column) is >= 0 and var index ? index : throw new ArgumentException($"No column '{column}' in '{Title}'.", nameof(column));

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths) =>
        text.AppendLine(string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
}

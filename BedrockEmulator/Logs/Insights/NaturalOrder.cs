namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>
/// The order of <c>sort</c>, Logs Insights' "natural sorting" ascending: every non-number value before
/// every number value (numbers, timestamps, and texts of digits only, compared by value); other texts
/// compared run by run, runs of digits by length then value, other runs by Unicode order. Missing
/// values come last. Descending is the exact reverse.
/// </summary>
internal sealed class NaturalOrder : IComparer<QueryValue>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(QueryValue x, QueryValue y)
    {
        if (x.Type == QueryType.Null || y.Type == QueryType.Null)
        {
            return (x.Type == QueryType.Null).CompareTo(y.Type == QueryType.Null);
        }

        var xNumber = IsNumberValue(x);
        var yNumber = IsNumberValue(y);
        if (xNumber != yNumber)
        {
            return xNumber ? 1 : -1;
        }

        if (xNumber)
        {
            var byValue = CompareNumbers(x, y);
            return byValue != 0 ? byValue : string.CompareOrdinal(x.Display, y.Display);
        }

        return CompareRuns(x.Display!, y.Display!);
    }

    private static bool IsNumberValue(in QueryValue value) => value.Type switch
    {
        QueryType.Number or QueryType.Timestamp => true,
        QueryType.String => value.Text!.Length > 0 && !value.Text.AsSpan().ContainsAnyExceptInRange('0', '9'),
        _ => false,
    };

    private static int CompareNumbers(in QueryValue x, in QueryValue y)
    {
        if (x.Type == y.Type && x.Type != QueryType.Number)
        {
            // Timestamps to the tick (finer than the milliseconds shown); texts of digits by their digits, whatever their length.
            return x.Type == QueryType.Timestamp ? x.Time.CompareTo(y.Time) : CompareDigits(x.Text!.TrimStart('0'), y.Text!.TrimStart('0'));
        }

        return AsNumber(x).CompareTo(AsNumber(y));

        static double AsNumber(in QueryValue v) => v.Type switch
        {
            QueryType.Number => v.Number,
            QueryType.Timestamp => v.Millis,
            _ => double.Parse(v.Text!, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static int CompareRuns(string x, string y)
    {
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            var xRun = Run(x, ref i);
            var yRun = Run(y, ref j);
            var order = char.IsAsciiDigit(xRun[0]) && char.IsAsciiDigit(yRun[0])
                ? CompareDigits(xRun, yRun)
                : string.CompareOrdinal(xRun, yRun);
            if (order != 0)
            {
                return order;
            }
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    /// <summary>A run of digits or of other characters, starting at <paramref name="i"/>.</summary>
    private static string Run(string text, ref int i)
    {
        var start = i;
        var digits = char.IsAsciiDigit(text[i]);
        while (i < text.Length && char.IsAsciiDigit(text[i]) == digits)
        {
            i++;
        }

        return text[start..i];
    }

    /// <summary>Numeric runs: the longer is the larger, equal lengths compare digit by digit.</summary>
    private static int CompareDigits(string x, string y) =>
        x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
}

using System.Globalization;

namespace Switchyard.BedrockEmulator.Logs.Insights;

/// <summary>A value of a log field or of an expression.</summary>
internal readonly record struct QueryValue(QueryType Type, double Number, string? Text, DateTimeOffset Time)
{
    public static readonly QueryValue Null = default;
    public static readonly QueryValue True = new(QueryType.Bool, 1, null, default);
    public static readonly QueryValue False = new(QueryType.Bool, 0, null, default);

    public bool IsTrue => Type == QueryType.Bool && Number != 0;

    public static QueryValue FromBool(bool value) => value ? True : False;

    public static QueryValue FromNumber(double value) => new(QueryType.Number, value, null, default);

    public static QueryValue FromString(string value) => new(QueryType.String, 0, value, default);

    public static QueryValue FromTimestamp(DateTimeOffset value) => new(QueryType.Timestamp, 0, null, value);

    /// <summary>Milliseconds since the epoch, as <c>toMillis</c> answers.</summary>
    public double Millis => Time.ToUnixTimeMilliseconds();

    /// <summary>As GetQueryResults shows it: numbers in the shortest round-trip form, timestamps as <c>yyyy-MM-dd HH:mm:ss.fff</c>.</summary>
    public string? Display => Type switch
    {
        QueryType.Number => Number.ToString(CultureInfo.InvariantCulture),
        QueryType.String => Text,
        QueryType.Timestamp => Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        QueryType.Bool => IsTrue ? "true" : "false",
        _ => null,
    };

    /// <summary>Orders two values of the same type (the parser allows comparisons of one type only).</summary>
    public static int Compare(in QueryValue left, in QueryValue right) => left.Type switch
    {
        QueryType.Number or QueryType.Bool => left.Number.CompareTo(right.Number),
        QueryType.String => string.CompareOrdinal(left.Text, right.Text),
        QueryType.Timestamp => left.Time.CompareTo(right.Time),
        _ => 0,
    };
}

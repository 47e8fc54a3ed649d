using System.Globalization;
using System.Text;

namespace Switchyard.Tests.Fuzz;

/// <summary>
/// A JSON document as the fuzzer builds and mutates it: mutable, and able to hold what a serializer
/// would refuse to write (raw number literals past any type's range, escaped lone surrogates, duplicate keys).
/// </summary>
public abstract class JsonTree
{
    public abstract void Write(StringBuilder text);

    public override string ToString()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    public static JsonTree Raw(string token) => new JsonToken(token);

    public static JsonTree Number(long value) => new JsonToken(value.ToString(CultureInfo.InvariantCulture));

    public static JsonTree String(string value) => new JsonToken(Quote(value));

    public static JsonTree Null { get; } = new JsonToken("null");

    /// <summary>A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                < ' ' => text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }
}

/// <summary>A scalar written exactly as given.</summary>
public sealed class JsonToken(string token) : JsonTree
{
    public override void Write(StringBuilder text) => text.Append(token);
}

public sealed class JsonArray(List<JsonTree> items) : JsonTree
{
    public List<JsonTree> Items { get; } = items;

    public override void Write(StringBuilder text)
    {
        text.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            Items[i].Write(text);
        }

        text.Append(']');
    }
}

/// <summary>An object; a key that starts with a quote is an already written JSON string (escapes and all).</summary>
public sealed class JsonObject(List<KeyValuePair<string, JsonTree>> members) : JsonTree
{
    public List<KeyValuePair<string, JsonTree>> Members { get; } = members;

    public JsonObject Add(string key, JsonTree value)
    {
        Members.Add(new(key, value));
        return this;
    }

    public override void Write(StringBuilder text)
    {
        text.Append('{');
        for (var i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var key = Members[i].Key;
            text.Append(key.StartsWith('"') ? key : Quote(key)).Append(':');
            Members[i].Value.Write(text);
        }

        text.Append('}');
    }
}

using System.Text;
using System.Text.Json;

namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// A JSON value that satisfies a (tool input) JSON schema, as a model answering through a forced tool
/// would produce: every property (required or not) of an object, one item of an array (or minItems), the
/// first of an enum, a const, the first branch of anyOf/oneOf/allOf, local <c>$ref</c>s (<c>#/$defs/X</c>,
/// <c>#/definitions/X</c>), numbers at their minimum, strings cut from the answer's text within
/// min/maxLength. An object that declares no properties gets the answer as <c>"text"</c>. Deterministic.
/// </summary>
internal static class SchemaInstance
{
    private const int MaxDepth = 16;

    public static string Write(JsonElement schema, string answer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var words = new Words(answer);
            WriteValue(json, schema, schema, ref words, depth: 0);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter json, JsonElement schema, JsonElement root, ref Words words, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            json.WriteStringValue(words.Take(3));
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && Resolve(root, reference) is { } target)
        {
            WriteValue(json, target, root, ref words, depth + 1);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(json);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[0].WriteTo(json);
            return;
        }

        foreach (var combinator in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var branches) && branches.ValueKind == JsonValueKind.Array && branches.GetArrayLength() > 0)
            {
                WriteValue(json, branches[0], root, ref words, depth + 1);
                return;
            }
        }

        var type = schema.TryGetProperty("type", out var t) ? t : default;
        if (type.ValueKind == JsonValueKind.Array)
        {
            // ["string", "null"]: the first type that is not null.
            type = type.EnumerateArray().FirstOrDefault(k => !k.ValueEquals("null"), type.EnumerateArray().FirstOrDefault());
        }

        switch (type.ValueKind == JsonValueKind.String ? type.GetString() : schema.TryGetProperty("properties", out _) ? "object" : "string")
        {
            case "object":
                json.WriteStartObject();
                if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any())
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        json.WritePropertyName(property.Name);
                        WriteValue(json, property.Value, root, ref words, depth + 1);
                    }
                }
                else
                {
                    json.WriteString("text", words.Rest());
                }

                json.WriteEndObject();
                break;
            case "array":
                json.WriteStartArray();
                var count = Math.Clamp(Number(schema, "minItems") is { } min ? (int)Math.Min(min, 8) : 1, 1, 8);
                var items = schema.TryGetProperty("items", out var itemSchema) ? itemSchema : default;
                for (var i = 0; i < count; i++)
                {
                    WriteValue(json, items, root, ref words, depth + 1);
                }

                json.WriteEndArray();
                break;
            case "integer":
                json.WriteNumberValue((long)Math.Ceiling(Number(schema, "minimum") ?? 1));
                break;
            case "number":
                json.WriteNumberValue(Number(schema, "minimum") ?? 1.5);
                break;
            case "boolean":
                json.WriteBooleanValue(true);
                break;
            case "null":
                json.WriteNullValue();
                break;
            default:
                var text = words.Take(4);
                var minLength = (int)Math.Min(Number(schema, "minLength") ?? 0, 10_000);
                var maxLength = (int)Math.Min(Number(schema, "maxLength") ?? int.MaxValue, int.MaxValue);
                text = text.PadRight(minLength, '.');
                json.WriteStringValue(text.Length > maxLength ? text[..Math.Max(0, maxLength)] : text);
                break;
        }
    }

    private static double? Number(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static JsonElement? Resolve(JsonElement root, JsonElement reference)
    {
        if (reference.ValueKind != JsonValueKind.String || reference.GetString() is not { } pointer || !pointer.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var node = root;
        foreach (var segment in pointer[2..].Split('/'))
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Consecutive words of the answer, wrapping around; never empty.</summary>
    private struct Words(string text)
    {
        private readonly string[] _words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } w ? w : ["ok"];
        private int _next;

        public string Take(int count)
        {
            var taken = new string[count];
            for (var i = 0; i < count; i++)
            {
                taken[i] = _words[_next++ % _words.Length];
            }

            return string.Join(' ', taken);
        }

        public readonly string Rest() => string.Join(' ', _words);
    }
}

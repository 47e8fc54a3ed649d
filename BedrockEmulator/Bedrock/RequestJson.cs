using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.BedrockEmulator.Faults;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// Reads a JSON request body into its wire type, and words what is wrong with one as Bedrock does:
/// "Malformed input request: #/json/pointer: detail, please reformat your input and try again."
/// </summary>
internal static class RequestJson
{
    public const string MalformedMessage = "Malformed input request, please reformat your input and try again.";

    public static bool TryParse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type, [NotNullWhen(true)] out T? value, out EmulatorError error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(body, type);
            error = value is null ? EmulatorError.Validation(MalformedMessage) : default;
            return value is not null;
        }
        catch (JsonException e) when (e.InnerException is not JsonException && e.Path is { } path)
        {
            // A value of the wrong type (or out of its type's range); the reader's own errors are syntax errors.
            value = null;
            error = Malformed(Pointer(path), path == "$" ? "expected type: JSONObject" : "value is not of the expected type");
            return false;
        }
        catch (JsonException)
        {
            value = null;
            error = EmulatorError.Validation(MalformedMessage);
            return false;
        }
    }

    public static EmulatorError Malformed(string pointer, string detail) =>
        EmulatorError.Validation($"Malformed input request: {pointer}: {detail}, please reformat your input and try again.");

    /// <summary>The JSON-schema name of a value's type, as Bedrock's messages give it.</summary>
    public static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "JSONObject",
        JsonValueKind.Array => "JSONArray",
        JsonValueKind.String => "String",
        JsonValueKind.Number => "Number",
        JsonValueKind.True or JsonValueKind.False => "Boolean",
        _ => "Null",
    };

    /// <summary>System.Text.Json's path (<c>$.messages[0]['role']</c>) as a JSON pointer (<c>#/messages/0/role</c>).</summary>
    private static string Pointer(string path)
    {
        var pointer = new StringBuilder("#");
        for (var i = 1; i < path.Length;)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                pointer.Append('/').Append(path, i + 1, end - i - 1);
                i = end;
            }
            else
            {
                // [n] or ['name']
                var end = path.IndexOf(']', i);
                end = end < 0 ? path.Length : end;
                pointer.Append('/').Append(path.AsSpan(i + 1, end - i - 1).Trim('\''));
                i = end + 1;
            }
        }

        return pointer.ToString();
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Apis;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// Reads a Chat Completions request off the body in two steps, so that each refusal says what is wrong:
/// the JSON itself (413 past the size limit; 400 <c>invalid_json</c> for a body that is not JSON or not an
/// object), then the types of the known members (400 <c>invalid_type</c> whose <c>param</c> is the member at
/// fault, e.g. <c>messages[0].content</c>, and whose message says what was expected).
/// </summary>
public static class ChatRequestReader
{
    public static async Task<ChatCompletionRequest> ReadAsync(HttpContext http, int maxBytes)
    {
        using var document = await JsonRequestBody.ReadObjectAsync(http, maxBytes);
        try
        {
            // JsonElement members (content, stop, tool_choice, parameters) are copied out of the document.
            return document.RootElement.Deserialize(OpenAIJsonContext.Default.ChatCompletionRequest)!;
        }
        catch (JsonException e)
        {
            throw InvalidType(e.Path);
        }
    }

    /// <summary>A member of the wrong JSON type (or a number outside its type's range) at <paramref name="path"/>, e.g. <c>$.messages[0].role</c>.</summary>
    private static RoutingException InvalidType(string? path)
    {
        var param = path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        if (param is null)
        {
            return RoutingException.InvalidRequest("The request body does not have the shape of a chat completion request.", null, "invalid_type");
        }

        return Expected(param) is { } expected
            ? RoutingException.InvalidRequest($"Invalid type for '{param}': expected {expected}.", param, "invalid_type")
            : RoutingException.InvalidRequest($"Invalid type for '{param}'.", param, "invalid_type");
    }

    /// <summary>What the member at <paramref name="param"/> should be, from the wire types' metadata; null when the path does not lead to one.</summary>
    private static string? Expected(string param)
    {
        var type = typeof(ChatCompletionRequest);
        foreach (var segment in param.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            var property = OpenAIJsonContext.Default.GetTypeInfo(type)?.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
            // Each [n] steps into a list's element type.
            for (var i = bracket; i >= 0 && i < segment.Length; i = segment.IndexOf('[', i + 1))
            {
                if (ElementType(type) is not { } element)
                {
                    return null;
                }

                type = element;
            }
        }

        return Describe(type);
    }

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    private static string? Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => $"an integer from {int.MinValue} to {int.MaxValue}",
        var t when t == typeof(float) => "a number",
        var t when t == typeof(bool) => "a boolean",
        var t when t == typeof(string) => "a string",
        var t when t == typeof(JsonElement) => null,
        var t when ElementType(t) is not null => "an array",
        var t when OpenAIJsonContext.Default.GetTypeInfo(t) is { Kind: JsonTypeInfoKind.Object } => "an object",
        _ => null,
    };
}

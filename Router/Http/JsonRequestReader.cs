using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Http;

/// <summary>
/// Reads a front door's JSON request (Chat Completions, Messages) off the body, so that each refusal says what is wrong:
/// the JSON itself (413 past the size limit; 400 <c>invalid_json</c> for a body that is not JSON or not an
/// object), then the types of the known members (400 <c>invalid_type</c> whose <c>param</c> is the member at
/// fault, e.g. <c>messages[0].content</c>, and whose message says what was expected). In between, the
/// door's own check of the top-level members runs (the OpenAI door's parameter policy refuses or notes
/// parameters the Router does not support).
/// </summary>
/// <remarks>
/// A well-formed request is read in one pass, straight into the wire type. Parsing it as a document first, then
/// reading the document typed, cost a coding agent's turn (115 KB, most of it tool schemas and a system prompt)
/// a third more of the Router's CPU: every string was validated twice, and JSON was the largest cost of such a
/// request. Anything else (a pass that fails, or members the door's check must see) is read again the way that
/// says what is wrong, in the order above, so a refusal is the same either way.
/// </remarks>
public static class JsonRequestReader
{
    /// <param name="shape">What the body should be, for the message when it is not: "a chat completion request".</param>
    /// <param name="checkMembers">The door's check of the top-level members before they are typed; null for none.</param>
    /// <param name="checkHasNothingToDo">
    /// Whether the typed request shows that <paramref name="checkMembers"/> would pass it untouched (the wire type
    /// lists every member the check lets through as it is); null when only the check can tell.
    /// </param>
    public static async Task<T> ReadAsync<T>(HttpContext http, int maxBytes, JsonTypeInfo<T> wire, string shape,
        Action<JsonElement, HttpResponse>? checkMembers = null, Func<T, bool>? checkHasNothingToDo = null) where T : class
    {
        using var body = await JsonRequestBody.ReadAsync(http, maxBytes);
        var json = JsonRequestBody.Json(body);
        // A check that only the document can satisfy (no checkHasNothingToDo) skips the one-pass reading: it would be thrown away.
        var onePass = checkMembers is null || checkHasNothingToDo is not null;
        if (onePass && JsonRequestBody.ReadTyped(json.Span, wire) is { } typed && (checkMembers is null || checkHasNothingToDo!(typed)))
        {
            return typed;
        }

        using var document = JsonRequestBody.ParseObject(json);
        checkMembers?.Invoke(document.RootElement, http.Response);
        try
        {
            // JsonElement members (content, stop, tool_choice, parameters) are copied out of the document.
            return document.RootElement.Deserialize(wire)!;
        }
        catch (JsonException e)
        {
            throw InvalidType(e.Path, wire, shape);
        }
    }

    /// <summary>A member of the wrong JSON type (or a number outside its type's range) at <paramref name="path"/>, e.g. <c>$.messages[0].role</c>.</summary>
    private static RoutingException InvalidType(string? path, JsonTypeInfo wire, string shape)
    {
        var param = path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        if (param is null)
        {
            return RoutingException.InvalidRequest($"The request body does not have the shape of {shape}.", null, "invalid_type");
        }

        return Expected(param, wire) is { } expected
            ? RoutingException.InvalidRequest($"Invalid type for '{param}': expected {expected}.", param, "invalid_type")
            : RoutingException.InvalidRequest($"Invalid type for '{param}'.", param, "invalid_type");
    }

    /// <summary>What the member at <paramref name="param"/> should be, from the wire types' metadata; null when the path does not lead to one.</summary>
    private static string? Expected(string param, JsonTypeInfo wire)
    {
        var options = wire.Options;
        var type = wire.Type;
        foreach (var segment in param.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            var property = (options.TryGetTypeInfo(type, out var info) ? info : null)?.Properties.FirstOrDefault(p => p.Name == name);
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

        return Describe(type, options);
    }

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    private static string? Describe(Type type, JsonSerializerOptions options) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => $"an integer from {int.MinValue} to {int.MaxValue}",
        var t when t == typeof(float) => "a number",
        var t when t == typeof(bool) => "a boolean",
        var t when t == typeof(string) => "a string",
        var t when t == typeof(JsonElement) => null,
        var t when ElementType(t) is not null => "an array",
        var t when options.TryGetTypeInfo(t, out var info) && info.Kind == JsonTypeInfoKind.Object => "an object",
        _ => null,
    };
}

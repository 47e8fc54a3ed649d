using System.Text.Json;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// Reads an OpenAI request's JSON where System.Text.Json fails late: a string or a member name that is no
/// Unicode text (an escaped lone surrogate, "\ud800") parses, and throws only when its text is asked for.
/// That is the client's 400 naming the parameter, never a 500.
/// </summary>
internal static class OpenAIJson
{
    /// <summary>An object's member, Undefined when absent.</summary>
    public static JsonElement Member(JsonElement obj, string name, string param)
    {
        try
        {
            return obj.TryGetProperty(name, out var value) ? value : default;
        }
        catch (InvalidOperationException)
        {
            throw RoutingException.InvalidRequest($"'{param}' has a member name that is not valid Unicode text.", param);
        }
    }

    /// <summary>Whether <paramref name="value"/> is the JSON string <paramref name="text"/>; a string that is no Unicode text is not (comparing it throws).</summary>
    public static bool IsText(JsonElement value, string text)
    {
        try
        {
            return value.ValueKind == JsonValueKind.String && value.ValueEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A JSON string's text.</summary>
    public static string Text(JsonElement value, string param)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw RoutingException.InvalidRequest($"'{param}' is not valid Unicode text.", param);
        }
    }
}

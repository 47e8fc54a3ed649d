using System.Text.Json;

namespace Switchyard.Router.Http;

/// <summary>
/// Whether a JSON value is text throughout. A string or member name may hold an escaped lone surrogate ("\ud800")
/// or bytes that are not UTF-8: both parse, and throw only when read. A door checks the free-form values it copies
/// instead of reading (tool inputs, schemas, a whole Converse body) before they go further, so such a value is the
/// client's 400, never a 500 later on.
/// </summary>
public static class JsonText
{
    /// <summary>Whether every string and member name decodes (JsonDocument's depth limit bounds the recursion).</summary>
    public static bool IsText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(IsText);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(member => member.Name is not null && IsText(member.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Reads a Converse / ConverseStream body (the same shape), or a body of Converse's wire types (Nova's InvokeModel
/// body), into the Bedrock provider's wire types:
/// ValidationException for a body that is not a JSON object or does not have the expected shape (a
/// missing required member, a member of the wrong type), 413 past the Router's body limit.
/// </summary>
internal static class ConverseRequestReader
{
    public static async Task<T> ReadAsync<T>(HttpContext http, int maxBytes, JsonTypeInfo<T> type) where T : class
    {
        using var body = await JsonRequestBody.ReadAsync(http, maxBytes);
        var json = JsonRequestBody.Json(body);
        // One typed pass and one scan of the bytes for a well-formed body (as the front doors' JsonRequestReader
        // does); anything else is read again the way that names the fault, so a refusal is the same either way.
        if (JsonRequestBody.ReadTyped(json.Span, type) is { } typed && JsonText.IsText(json.Span))
        {
            return typed;
        }

        using var document = JsonRequestBody.ParseObject(json);
        try
        {
            // Free-form members (tool input, input schemas) are copied as they are: what is no text must not get past here.
            if (!JsonText.IsText(document.RootElement))
            {
                throw RoutingException.InvalidRequest("The request body has a string or member name that is not valid Unicode text (an escaped lone surrogate, or bytes that are not UTF-8).", null, "invalid_json");
            }

            return document.RootElement.Deserialize(type)
                ?? throw RoutingException.InvalidRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        catch (JsonException e)
        {
            // STJ names the member at fault in its path ($.messages[0].content) and says what is wrong in its message.
            throw RoutingException.InvalidRequest($"Malformed input request: {e.Message}", e.Path, "invalid_json");
        }
    }
}

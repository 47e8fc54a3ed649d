using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// <c>response_format</c>: <c>text</c> (the default), <c>json_object</c> (any JSON object) or <c>json_schema</c>
/// (an object of the given schema), as a <see cref="ChatResponseFormat"/> that each provider honours its own
/// way (OpenAI-compatible ones natively, Bedrock through a forced tool). A schema must describe an object,
/// as a Bedrock tool's input must; anything the Router cannot honour is a 400 naming it, never dropped.
/// </summary>
public static partial class ResponseFormatReader
{
    public static ChatResponseFormat? Read(JsonElement? format)
    {
        switch (format)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.Object }:
                break;
            default:
                throw RoutingException.InvalidRequest("Invalid type for 'response_format': expected an object.", "response_format", "invalid_type");
        }

        var type = OpenAIJson.Member(format.Value, "type", "response_format");
        if (type.ValueKind != JsonValueKind.String)
        {
            throw RoutingException.InvalidRequest("'response_format.type' must be text, json_object or json_schema.", "response_format.type",
                type.ValueKind == JsonValueKind.Undefined ? "missing_required_parameter" : "invalid_type");
        }

        if (OpenAIJson.IsText(type, "text"))
        {
            return null;
        }

        if (OpenAIJson.IsText(type, "json_object"))
        {
            return ChatResponseFormat.Json;
        }

        if (!OpenAIJson.IsText(type, "json_schema"))
        {
            throw RoutingException.InvalidRequest("'response_format.type' must be text, json_object or json_schema.", "response_format.type");
        }

        var spec = OpenAIJson.Member(format.Value, "json_schema", "response_format");
        if (spec.ValueKind != JsonValueKind.Object)
        {
            throw RoutingException.InvalidRequest("'response_format.json_schema' must be an object with a name and a schema.", "response_format.json_schema",
                spec.ValueKind == JsonValueKind.Undefined ? "missing_required_parameter" : "invalid_type");
        }

        var name = OpenAIJson.Member(spec, "name", "response_format");
        // Decoded first: a string may hold an escaped lone surrogate or bytes that are not UTF-8, which parse and throw only when read.
        if (name.ValueKind != JsonValueKind.String || !NamePattern().IsMatch(OpenAIJson.Text(name, "response_format.json_schema.name")))
        {
            throw RoutingException.InvalidRequest("'response_format.json_schema.name' must be 1-64 characters of a-z, A-Z, 0-9, '_' or '-'.", "response_format.json_schema.name");
        }

        var description = OpenAIJson.Member(spec, "description", "response_format");
        if (description.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            throw RoutingException.InvalidRequest("Invalid type for 'response_format.json_schema.description': expected a string.", "response_format.json_schema.description", "invalid_type");
        }

        var strict = OpenAIJson.Member(spec, "strict", "response_format");
        if (strict.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False))
        {
            throw RoutingException.InvalidRequest("Invalid type for 'response_format.json_schema.strict': expected a boolean.", "response_format.json_schema.strict", "invalid_type");
        }

        var schema = OpenAIJson.Member(spec, "schema", "response_format");
        if (schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            schema = AnyObject;
        }
        else if (schema.ValueKind != JsonValueKind.Object || !OpenAIJson.IsText(OpenAIJson.Member(schema, "type", "response_format"), "object"))
        {
            throw RoutingException.InvalidRequest("'response_format.json_schema.schema' must be a JSON schema of an object (\"type\": \"object\").", "response_format.json_schema.schema");
        }

        string? descriptionText;
        try
        {
            descriptionText = description.ValueKind == JsonValueKind.String ? description.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            throw RoutingException.InvalidRequest("'response_format.json_schema.description' is not valid Unicode text.", "response_format.json_schema.description");
        }

        return ChatResponseFormat.ForJsonSchema(schema.Clone(), name.GetString(), descriptionText);
    }

    private static readonly JsonElement AnyObject = JsonElement.Parse("""{"type":"object"}""");

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}

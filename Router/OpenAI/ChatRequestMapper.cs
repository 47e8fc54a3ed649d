using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// Validates an OpenAI Chat Completions request and maps it onto Microsoft.Extensions.AI types. Every
/// refusal is a 400 (404 for an unknown model group) whose <c>param</c> names the value at fault, down to
/// the element: <c>messages[2].tool_calls[0].function</c>.
/// </summary>
public static class ChatRequestMapper
{
    /// <summary>Output tokens reserved against tpm when the client sets no limit (at most the group's maximum).</summary>
    public const int DefaultReservedOutputTokens = 4096;

    /// <summary>Most messages one request may carry.</summary>
    public const int MaxMessages = 10_000;

    /// <summary>Most tools one request may declare (OpenAI's limit).</summary>
    public const int MaxTools = 128;

    /// <summary>Most stop sequences (OpenAI's limit).</summary>
    public const int MaxStopSequences = 4;

    /// <param name="request">The request as read off the wire.</param>
    /// <param name="maxOutputTokens">The largest max_tokens a model group takes, or null when no such group is configured.</param>
    public static RouteRequest Map(ChatCompletionRequest request, Func<string, int?> maxOutputTokens)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw RoutingException.InvalidRequest("'model' is required.", "model", "missing_required_parameter");
        }

        if (request.Messages is not { Count: > 0 } wireMessages)
        {
            throw RoutingException.InvalidRequest("'messages' must be a non-empty array.", "messages", "missing_required_parameter");
        }

        if (wireMessages.Count > MaxMessages)
        {
            throw RoutingException.InvalidRequest($"'messages' has {wireMessages.Count} elements; at most {MaxMessages} are allowed.", "messages");
        }

        if (request.Tools is { Count: > MaxTools } tooMany)
        {
            throw RoutingException.InvalidRequest($"'tools' has {tooMany.Count} elements; at most {MaxTools} are allowed.", "tools");
        }

        var maxTokensParam = request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens";
        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        Check(maxTokens is null or >= 1, "max_tokens must be at least 1.", maxTokensParam);
        Check(request.Temperature is null or >= 0 and <= 2, "'temperature' must be between 0 and 2.", "temperature");
        Check(request.TopP is null or >= 0 and <= 1, "'top_p' must be between 0 and 1.", "top_p");
        Check(request.N is null or 1, "Only n = 1 is supported.", "n");
        Check(request.FrequencyPenalty is null or >= -2 and <= 2, "'frequency_penalty' must be between -2 and 2.", "frequency_penalty");
        Check(request.PresencePenalty is null or >= -2 and <= 2, "'presence_penalty' must be between -2 and 2.", "presence_penalty");

        var inputChars = 0L;
        var images = 0;
        var messages = new List<ChatMessage>(wireMessages.Count);
        for (var i = 0; i < wireMessages.Count; i++)
        {
            var (message, chars) = MapMessage(wireMessages[i], $"messages[{i}]", ref images);
            inputChars += chars;
            messages.Add(message);
        }

        var options = new ChatOptions
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            StopSequences = MapStop(request.Stop),
            Tools = MapTools(request.Tools),
            ToolMode = MapToolChoice(request.ToolChoice),
            Seed = request.Seed,
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            AllowMultipleToolCalls = request.ParallelToolCalls,
            ResponseFormat = ResponseFormatReader.Read(request.ResponseFormat),
        };

        // Known only now that the request is well formed: an unknown group is refused before admission,
        // so it costs the tenant nothing, and before max_tokens is compared with a limit it does not have.
        if (maxOutputTokens(request.Model) is not { } modelMaximum)
        {
            throw new RoutingException(404, "invalid_request_error", "model_not_found",
                $"The model '{request.Model}' does not exist. GET /v1/models lists the model groups.", param: "model");
        }

        if (maxTokens > modelMaximum)
        {
            throw RoutingException.InvalidRequest(
                $"'{maxTokensParam}' is too large: {maxTokens}. The model '{request.Model}' supports at most {modelMaximum} output tokens.", maxTokensParam);
        }

        options.MaxOutputTokens = maxTokens;

        // Roughly four characters a token, plus the output limit: what tpm reservations count before the
        // call. Every term is bounded (the body size, the group's maximum), and checked all the same.
        long reserved;
        try
        {
            reserved = checked(inputChars / 4 + messages.Count + (maxTokens ?? Math.Min(DefaultReservedOutputTokens, modelMaximum)));
        }
        catch (OverflowException)
        {
            reserved = long.MaxValue;
        }

        Check(reserved <= int.MaxValue, "The request is too large to reserve tokens for.", "messages");
        return new RouteRequest(request.Model, messages, options, (int)reserved);
    }

    private static (ChatMessage Message, long Chars) MapMessage(ChatCompletionMessage? message, string param, ref int images)
    {
        if (message is null)
        {
            throw InvalidType(param, "an object", "null");
        }

        switch (message.Role)
        {
            case "system" or "developer":
                var system = ReadText(message.Content, param);
                return (new ChatMessage(ChatRole.System, system), system.Length);
            case "user":
                var parts = ReadParts(message.Content, param, ref images);
                return (new ChatMessage(ChatRole.User, parts), parts.Sum(p => p is TextContent t ? t.Text.Length : ImageChars));
            case "assistant":
                var contents = new List<AIContent>();
                var chars = 0L;
                if (message.Content is { ValueKind: not JsonValueKind.Null } && ReadText(message.Content, param) is { Length: > 0 } text)
                {
                    contents.Add(new TextContent(text));
                    chars += text.Length;
                }

                for (var j = 0; j < (message.ToolCalls?.Count ?? 0); j++)
                {
                    var (call, arguments) = MapToolCall(message.ToolCalls![j], $"{param}.tool_calls[{j}]");
                    contents.Add(call);
                    chars += arguments;
                }

                return (new ChatMessage(ChatRole.Assistant, contents), chars);
            case "tool":
                Require(message.ToolCallId is not null, param, "tool_call_id");
                var result = ReadText(message.Content, param);
                return (new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId!, result)]), result.Length);
            case null:
                throw RoutingException.InvalidRequest($"'{param}.role' is required.", $"{param}.role", "missing_required_parameter");
            default:
                throw RoutingException.InvalidRequest($"'{param}.role' must be one of system, developer, user, assistant, tool; got '{message.Role}'.", $"{param}.role");
        }
    }

    private static (FunctionCallContent Call, int ArgumentChars) MapToolCall(ToolCall? call, string param)
    {
        if (call is null)
        {
            throw InvalidType(param, "an object", "null");
        }

        Require(call.Id is not null, param, "id");
        if (call.Function is null)
        {
            throw InvalidType($"{param}.function", "an object", "null");
        }

        Require(call.Function.Name is not null, param, "function.name");
        var arguments = call.Function.Arguments;
        return (new FunctionCallContent(call.Id!, call.Function.Name!, ParseArguments(arguments, $"{param}.function.arguments")), arguments?.Length ?? 0);
    }

    /// <summary>Characters an image counts as in the token reservation (four a token).</summary>
    private const int ImageChars = ImagePartReader.ReservedTokensPerImage * 4;

    /// <summary>The text of a message that takes text only: a string, or text parts joined.</summary>
    private static string ReadText(JsonElement? content, string param)
    {
        var images = -1;
        var parts = ReadParts(content, param, ref images);
        return parts is [TextContent only] ? only.Text : string.Concat(parts.OfType<TextContent>().Select(t => t.Text));
    }

    /// <summary>
    /// A message's content: a string, or an array of text parts and (when <paramref name="images"/> is not
    /// negative: user messages) image parts, counted against the request's limit. Adjacent text parts are joined.
    /// </summary>
    private static List<AIContent> ReadParts(JsonElement? content, string param, ref int images)
    {
        switch (content)
        {
            case { ValueKind: JsonValueKind.String } text:
                return [new TextContent(OpenAIJson.Text(text, $"{param}.content"))];
            case { ValueKind: JsonValueKind.Array } parts:
                var contents = new List<AIContent>();
                var builder = new System.Text.StringBuilder();
                var k = 0;
                foreach (var part in parts.EnumerateArray())
                {
                    var partParam = $"{param}.content[{k++}]";
                    if (part.ValueKind != JsonValueKind.Object)
                    {
                        throw InvalidType(partParam, "an object", Describe(part.ValueKind));
                    }

                    var type = OpenAIJson.Member(part, "type", partParam);
                    if (type.ValueKind != JsonValueKind.String)
                    {
                        throw InvalidType($"{partParam}.type", "a string", type.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(type.ValueKind));
                    }

                    switch (OpenAIJson.Text(type, $"{partParam}.type"))
                    {
                        case "text":
                            var partText = OpenAIJson.Member(part, "text", partParam);
                            if (partText.ValueKind != JsonValueKind.String)
                            {
                                throw InvalidType($"{partParam}.text", "a string", partText.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(partText.ValueKind));
                            }

                            builder.Append(OpenAIJson.Text(partText, $"{partParam}.text"));
                            break;
                        case "image_url" when images >= 0:
                            Check(++images <= ImagePartReader.MaxImagesPerRequest, $"A request may carry at most {ImagePartReader.MaxImagesPerRequest} images.", partParam);
                            if (builder.Length > 0)
                            {
                                contents.Add(new TextContent(builder.ToString()));
                                builder.Clear();
                            }

                            contents.Add(ImagePartReader.Read(part, partParam));
                            break;
                        case "image_url":
                            throw RoutingException.InvalidRequest("Image parts are only allowed in user messages.", $"{partParam}.type");
                        default:
                            throw RoutingException.InvalidRequest(
                                images >= 0 ? "Only text and image_url content parts are supported." : "Only text content parts are supported here.", $"{partParam}.type");
                    }
                }

                if (builder.Length > 0 || contents.Count == 0)
                {
                    contents.Add(new TextContent(builder.ToString()));
                }

                return contents;
            default:
                throw RoutingException.InvalidRequest($"'{param}.content' must be a string or an array of content parts.", $"{param}.content");
        }
    }

    private static Dictionary<string, object?>? ParseArguments(string? json, string param)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions);
        }
        catch (JsonException)
        {
            throw RoutingException.InvalidRequest($"'{param}' must be a JSON object in a string.", param);
        }
    }

    private static List<string>? MapStop(JsonElement? stop) => stop switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } one => [OpenAIJson.Text(one, "stop")],
        { ValueKind: JsonValueKind.Array } many when many.GetArrayLength() <= MaxStopSequences && many.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String)
            => [.. many.EnumerateArray().Select(s => OpenAIJson.Text(s, "stop"))],
        _ => throw RoutingException.InvalidRequest($"'stop' must be a string or an array of up to {MaxStopSequences} strings.", "stop"),
    };

    private static List<AITool>? MapTools(List<ToolDefinition?>? tools)
    {
        if (tools is not { Count: > 0 })
        {
            return null;
        }

        var mapped = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools[{i}]";
            var tool = tools[i] ?? throw InvalidType(param, "an object", "null");
            if (tool.Type != "function")
            {
                throw RoutingException.InvalidRequest($"'{param}.type' must be 'function'.", $"{param}.type");
            }

            var function = tool.Function ?? throw InvalidType($"{param}.function", "an object", "null");
            Require(!string.IsNullOrWhiteSpace(function.Name), param, "function.name");
            var schema = function.Parameters switch
            {
                { ValueKind: JsonValueKind.Object } parameters => parameters,
                null or { ValueKind: JsonValueKind.Null } => EmptySchema,
                { } other => throw InvalidType($"{param}.function.parameters", "an object", Describe(other.ValueKind)),
            };
            if (!JsonText.IsText(schema))
            {
                // The schema is copied into the upstream's body as it is: what is no text stops here, as at the Messages door.
                throw RoutingException.InvalidRequest($"'{param}.function.parameters' has a string or member name that is not valid Unicode text.", $"{param}.function.parameters");
            }

            mapped.Add(AIFunctionFactory.CreateDeclaration(function.Name!, function.Description, schema));
        }

        return mapped;
    }

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private static ChatToolMode? MapToolChoice(JsonElement? choice)
    {
        switch (choice)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } mode:
                return OpenAIJson.Text(mode, "tool_choice") switch
                {
                    "none" => ChatToolMode.None,
                    "auto" => ChatToolMode.Auto,
                    "required" => ChatToolMode.RequireAny,
                    var other => throw RoutingException.InvalidRequest($"'tool_choice' '{other}' is not none, auto or required.", "tool_choice"),
                };
            case { ValueKind: JsonValueKind.Object } named:
                var function = OpenAIJson.Member(named, "function", "tool_choice");
                if (function.ValueKind != JsonValueKind.Object)
                {
                    throw InvalidType("tool_choice.function", "an object", function.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(function.ValueKind));
                }

                var name = OpenAIJson.Member(function, "name", "tool_choice.function");
                if (name.ValueKind != JsonValueKind.String)
                {
                    throw InvalidType("tool_choice.function.name", "a string", name.ValueKind == JsonValueKind.Undefined ? "nothing" : Describe(name.ValueKind));
                }

                var required = OpenAIJson.Text(name, "tool_choice.function.name");
                Check(!string.IsNullOrWhiteSpace(required), "'tool_choice.function.name' must name a function.", "tool_choice.function.name");
                return ChatToolMode.RequireSpecific(required);
            case { } other:
                throw InvalidType("tool_choice", "a string or an object", Describe(other.ValueKind));
        }
    }

    private static RoutingException InvalidType(string param, string expected, string got) =>
        RoutingException.InvalidRequest($"Invalid type for '{param}': expected {expected}, but got {got} instead.", param, "invalid_type");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>The message is built only for a request that fails: the checks run for every request.</summary>
    private static void Require(bool present, string owner, string member)
    {
        if (!present)
        {
            throw RoutingException.InvalidRequest($"'{owner}.{member}' is required.", $"{owner}.{member}", "missing_required_parameter");
        }
    }

    private static void Check(bool condition, string message, string param)
    {
        if (!condition)
        {
            throw RoutingException.InvalidRequest(message, param);
        }
    }
}

using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Http;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Anthropic;

/// <summary>
/// Validates an Anthropic Messages request and maps it onto Microsoft.Extensions.AI types, as
/// <see cref="OpenAI.ChatRequestMapper"/> does for OpenAI's. Every refusal is a 400 (404 for an unknown
/// model group) whose message names the value at fault, down to the element: <c>messages[2].content[0].source</c>.
/// Tool results become <see cref="ChatRole.Tool"/> messages, content marked with <c>cache_control</c>
/// is followed by a <see cref="CachePointContent"/>, and thinking blocks of earlier turns are dropped
/// (they cannot be replayed without their provider signatures, and the model does not need them).
/// </summary>
public static class MessagesRequestMapper
{
    /// <summary>Most messages one request may carry.</summary>
    public const int MaxMessages = 10_000;

    /// <summary>Most tools one request may declare.</summary>
    public const int MaxTools = 512;

    /// <summary>Most stop sequences one request may carry.</summary>
    public const int MaxStopSequences = 256;

    /// <summary>
    /// Tokens an image counts for in estimates: Anthropic's cost of an image at its largest unscaled size
    /// (about 1.15 megapixels / 750), so the estimate errs high, never low.
    /// </summary>
    public const int ImageTokens = 1_600;

    private static readonly HashSet<string> ImageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    /// <param name="request">The request as read off the wire.</param>
    /// <param name="maxOutputTokens">The largest max_tokens a model group takes, or null when no such group is configured.</param>
    /// <param name="countOnly">For count_tokens: max_tokens is not required and nothing is reserved for output.</param>
    public static MappedMessages Map(MessagesRequest request, Func<string, int?> maxOutputTokens, bool countOnly = false)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw Invalid("model: Field required.");
        }

        if (!countOnly && request.MaxTokens is null)
        {
            throw Invalid("max_tokens: Field required.");
        }

        if (request.Messages is not { Count: > 0 } wireMessages)
        {
            throw Invalid("messages: must be a non-empty array.");
        }

        if (wireMessages.Count > MaxMessages)
        {
            throw Invalid($"messages: {wireMessages.Count} messages; at most {MaxMessages} are allowed.");
        }

        if (request.Tools is { Count: > MaxTools } tooMany)
        {
            throw Invalid($"tools: {tooMany.Count} tools; at most {MaxTools} are allowed.");
        }

        Check(request.MaxTokens is null or >= 1, "max_tokens: must be at least 1.");
        Check(request.Temperature is null or >= 0 and <= 1, "temperature: must be between 0 and 1.");
        Check(request.TopP is null or >= 0 and <= 1, "top_p: must be between 0 and 1.");
        Check(request.TopK is null or >= 0, "top_k: must be at least 0.");
        CheckMetadata(request.Metadata);

        var chars = new CharCount();
        var messages = new List<ChatMessage>(wireMessages.Count + 1);
        if (MapSystem(request.System, chars) is { } system)
        {
            messages.Add(system);
        }

        for (var i = 0; i < wireMessages.Count; i++)
        {
            MapMessage(wireMessages[i], $"messages[{i}]", messages, chars);
        }

        var options = new ChatOptions
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            StopSequences = MapStopSequences(request.StopSequences),
            Tools = MapTools(request.Tools, chars),
            ToolMode = MapToolChoice(request.ToolChoice),
        };

        // Known only now that the request is well formed: an unknown group is refused before admission,
        // so it costs the tenant nothing, and before max_tokens is compared with a limit it does not have.
        if (maxOutputTokens(request.Model) is not { } modelMaximum)
        {
            throw new RoutingException(404, "invalid_request_error", "model_not_found",
                $"model: '{request.Model}' is not a model group of this Router. GET /v1/models lists them.", param: "model");
        }

        if (request.MaxTokens > modelMaximum)
        {
            throw Invalid($"max_tokens: {request.MaxTokens} > {modelMaximum}, which is the maximum allowed number of output tokens for '{request.Model}'.");
        }

        options.MaxOutputTokens = request.MaxTokens;

        // Roughly four characters a token (images at their flat rate), at least one a message: the rule
        // the OpenAI door reserves by, so a request costs the same whichever door it came through.
        long input;
        long reserved;
        try
        {
            input = checked(chars.Text / TokenEstimate.CharsPerToken + chars.ImageTokens + messages.Count);
            reserved = checked(input + (countOnly ? 0 : request.MaxTokens!.Value));
        }
        catch (OverflowException)
        {
            (input, reserved) = (long.MaxValue, long.MaxValue);
        }

        Check(countOnly || reserved <= int.MaxValue, "messages: the request is too large to reserve tokens for.");
        return new MappedMessages(new RouteRequest(request.Model, messages, options, (int)Math.Min(reserved, int.MaxValue)), input);
    }

    private static ChatMessage? MapSystem(JsonElement? system, CharCount chars)
    {
        switch (system)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } text:
                var prompt = Text(text, "system");
                chars.Add(prompt);
                return new ChatMessage(ChatRole.System, prompt);
            case { ValueKind: JsonValueKind.Array } blocks:
                var contents = new List<AIContent>();
                var k = 0;
                foreach (var element in blocks.EnumerateArray())
                {
                    var param = $"system[{k++}]";
                    var block = ReadBlock(element, param);
                    if (block.Type != "text")
                    {
                        throw Invalid($"{param}.type: system blocks must be text blocks; got '{block.Type}'.");
                    }

                    var blockText = Require(block.Text, $"{param}.text");
                    chars.Add(blockText);
                    contents.Add(new TextContent(blockText));
                    AddCachePoint(block.CacheControl, param, contents);
                }

                return contents.Count == 0 ? null : new ChatMessage(ChatRole.System, contents);
            case { } other:
                throw InvalidType("system", "a string or an array of text blocks", other.ValueKind);
        }
    }

    private static void MapMessage(MessageParam? message, string param, List<ChatMessage> messages, CharCount chars)
    {
        if (message is null)
        {
            throw InvalidType(param, "an object", JsonValueKind.Null);
        }

        // "system" turns come from the mid-conversation-system beta (Claude Code sends them); providers with
        // one system prompt (Converse) join them to it.
        var speaker = message.Role switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "system" => ChatRole.System,
            null => throw Invalid($"{param}.role: Field required."),
            var other => throw Invalid($"{param}.role: must be 'user', 'assistant' or 'system'; got '{other}'."),
        };
        var assistant = speaker == ChatRole.Assistant;

        switch (message.Content)
        {
            case { ValueKind: JsonValueKind.String } text:
                var content = Text(text, $"{param}.content");
                chars.Add(content);
                messages.Add(new ChatMessage(speaker, content));
                return;
            case { ValueKind: JsonValueKind.Array } blocks:
                // Tool results become Tool messages between the user's other content, in the order given.
                ChatMessage? current = null;
                var k = 0;
                foreach (var element in blocks.EnumerateArray())
                {
                    var blockParam = $"{param}.content[{k++}]";
                    var block = ReadBlock(element, blockParam);
                    if (speaker == ChatRole.System && block.Type != "text")
                    {
                        throw Invalid($"{blockParam}.type: system messages may hold text blocks only; got '{block.Type}'.");
                    }

                    if (MapBlock(block, blockParam, assistant, chars) is not { } mapped)
                    {
                        continue;
                    }

                    var role = mapped is FunctionResultContent ? ChatRole.Tool : speaker;
                    if (current is null || current.Role != role)
                    {
                        current = new ChatMessage(role, []);
                        messages.Add(current);
                    }

                    current.Contents.Add(mapped);
                    AddCachePoint(block.CacheControl, blockParam, current.Contents);
                }

                return;
            case null:
                throw Invalid($"{param}.content: Field required.");
            case { } other:
                throw InvalidType($"{param}.content", "a string or an array of content blocks", other.ValueKind);
        }
    }

    private static AIContent? MapBlock(ContentBlockParam block, string param, bool assistant, CharCount chars)
    {
        switch (block.Type)
        {
            case "text":
                var text = Require(block.Text, $"{param}.text");
                chars.Add(text);
                return new TextContent(text);
            case "image" when !assistant:
                chars.AddImage();
                return MapImage(block.Source, $"{param}.source");
            case "tool_result" when !assistant:
                return MapToolResult(block, param, chars);
            case "tool_use" when assistant:
                var id = Require(block.Id, $"{param}.id");
                var name = Require(block.Name, $"{param}.name");
                if (block.Input is not { ValueKind: JsonValueKind.Object } input)
                {
                    throw InvalidType($"{param}.input", "an object", block.Input?.ValueKind ?? JsonValueKind.Undefined);
                }

                if (!JsonText.IsText(input))
                {
                    throw Invalid($"{param}.input: is not valid Unicode text.");
                }

                chars.Add(name);
                chars.AddJson(input);
                return new FunctionCallContent(id, name, input.Deserialize<Dictionary<string, object?>>(AIJsonUtilities.DefaultOptions));
            case "thinking" or "redacted_thinking" when assistant:
                return null;
            case null:
                throw Invalid($"{param}.type: Field required.");
            case var other:
                throw Invalid($"{param}.type: '{other}' blocks are not supported in {(assistant ? "assistant" : "user")} messages by this Router.");
        }
    }

    private static FunctionResultContent MapToolResult(ContentBlockParam block, string param, CharCount chars)
    {
        var id = Require(block.ToolUseId, $"{param}.tool_use_id");
        object? result;
        switch (block.Content)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                result = "";
                break;
            case { ValueKind: JsonValueKind.String } text:
                var value = Text(text, $"{param}.content");
                chars.Add(value);
                result = value;
                break;
            case { ValueKind: JsonValueKind.Array } parts:
                var contents = new List<AIContent>();
                var k = 0;
                foreach (var element in parts.EnumerateArray())
                {
                    var partParam = $"{param}.content[{k++}]";
                    var part = ReadBlock(element, partParam);
                    switch (part.Type)
                    {
                        case "text":
                            var partText = Require(part.Text, $"{partParam}.text");
                            chars.Add(partText);
                            contents.Add(new TextContent(partText));
                            break;
                        case "image":
                            chars.AddImage();
                            contents.Add(MapImage(part.Source, $"{partParam}.source"));
                            break;
                        default:
                            throw Invalid($"{partParam}.type: tool results may hold text and image blocks; got '{part.Type}'.");
                    }
                }

                // Text alone travels as a string, as every provider takes it.
                result = contents.All(c => c is TextContent) ? string.Concat(contents.Cast<TextContent>().Select(c => c.Text)) : contents;
                break;
            case { } other:
                throw InvalidType($"{param}.content", "a string or an array of content blocks", other.ValueKind);
        }

        return new FunctionResultContent(id, result)
        {
            // The client reports that its tool failed; providers mark the result as an error.
            Exception = block.IsError == true ? new ToolFailedException(result as string ?? "The tool failed.") : null,
        };
    }

    private static DataContent MapImage(ImageSource? source, string param)
    {
        if (source is null)
        {
            throw Invalid($"{param}: Field required.");
        }

        if (source.Type != "base64")
        {
            throw Invalid($"{param}.type: only 'base64' image sources are supported by this Router; got '{source.Type}'.");
        }

        var mediaType = Require(source.MediaType, $"{param}.media_type");
        if (!ImageMediaTypes.Contains(mediaType))
        {
            throw Invalid($"{param}.media_type: must be one of {string.Join(", ", ImageMediaTypes)}; got '{mediaType}'.");
        }

        var data = Require(source.Data, $"{param}.data");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data);
        }
        catch (FormatException)
        {
            throw Invalid($"{param}.data: is not valid base64.");
        }

        Check(bytes.Length > 0, $"{param}.data: the image is empty.");
        return new DataContent(bytes, mediaType);
    }

    private static List<string>? MapStopSequences(List<string?>? stops)
    {
        if (stops is not { Count: > 0 })
        {
            return null;
        }

        Check(stops.Count <= MaxStopSequences, $"stop_sequences: at most {MaxStopSequences} are allowed.");
        for (var i = 0; i < stops.Count; i++)
        {
            Check(!string.IsNullOrEmpty(stops[i]), $"stop_sequences[{i}]: must be a non-empty string.");
        }

        return [.. stops.OfType<string>()];
    }

    private static List<AITool>? MapTools(List<ToolParam?>? tools, CharCount chars)
    {
        if (tools is not { Count: > 0 })
        {
            return null;
        }

        var mapped = new List<AITool>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var param = $"tools[{i}]";
            var tool = tools[i] ?? throw InvalidType(param, "an object", JsonValueKind.Null);
            if (tool.Type is not (null or "custom"))
            {
                throw Invalid($"{param}.type: Anthropic server tools ('{tool.Type}') are not supported by this Router; declare client tools with an input_schema.");
            }

            var name = Require(tool.Name, $"{param}.name");
            Check(name.Length is > 0 and <= 128, $"{param}.name: must be 1 to 128 characters.");
            var schema = tool.InputSchema switch
            {
                { ValueKind: JsonValueKind.Object } inputSchema => inputSchema,
                null or { ValueKind: JsonValueKind.Null } => throw Invalid($"{param}.input_schema: Field required."),
                { } other => throw InvalidType($"{param}.input_schema", "an object", other.ValueKind),
            };
            if (!JsonText.IsText(schema))
            {
                throw Invalid($"{param}.input_schema: is not valid Unicode text.");
            }

            chars.Add(name);
            chars.Add(tool.Description ?? "");
            chars.AddJson(schema);
            // A tool's cache_control is checked; the cache point after the system prompt covers the tools,
            // which come before it in the cached prefix.
            CheckCacheControl(tool.CacheControl, param);
            mapped.Add(AIFunctionFactory.CreateDeclaration(name, tool.Description, schema.ValueKind == JsonValueKind.Object ? schema : EmptySchema));
        }

        return mapped;
    }

    private static ChatToolMode? MapToolChoice(JsonElement? choice)
    {
        switch (choice)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.Object } value:
                var type = Member(value, "type", "tool_choice");
                if (type.ValueKind != JsonValueKind.String)
                {
                    throw InvalidType("tool_choice.type", "a string", type.ValueKind);
                }

                switch (Text(type, "tool_choice.type"))
                {
                    case "auto":
                        return ChatToolMode.Auto;
                    case "any":
                        return ChatToolMode.RequireAny;
                    case "none":
                        return ChatToolMode.None;
                    case "tool":
                        var name = Member(value, "name", "tool_choice");
                        if (name.ValueKind != JsonValueKind.String)
                        {
                            throw InvalidType("tool_choice.name", "a string", name.ValueKind);
                        }

                        var required = Text(name, "tool_choice.name");
                        Check(!string.IsNullOrWhiteSpace(required), "tool_choice.name: must name a tool.");
                        return ChatToolMode.RequireSpecific(required);
                    case var other:
                        throw Invalid($"tool_choice.type: must be one of auto, any, tool, none; got '{other}'.");
                }

            case { } other:
                throw InvalidType("tool_choice", "an object", other.ValueKind);
        }
    }

    private static void CheckMetadata(JsonElement? metadata)
    {
        switch (metadata)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return;
            case { ValueKind: JsonValueKind.Object } value:
                var user = Member(value, "user_id", "metadata");
                if (user.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
                {
                    throw InvalidType("metadata.user_id", "a string", user.ValueKind);
                }

                return;
            case { } other:
                throw InvalidType("metadata", "an object", other.ValueKind);
        }
    }

    /// <summary>Adds a cache point after content the client marked with a valid <c>cache_control</c>.</summary>
    private static void AddCachePoint(JsonElement? cacheControl, string param, IList<AIContent> contents)
    {
        if (CheckCacheControl(cacheControl, param))
        {
            contents.Add(new CachePointContent());
        }
    }

    /// <summary>True for <c>{"type":"ephemeral"}</c> (a ttl of "5m" or "1h" allowed); false when absent.</summary>
    private static bool CheckCacheControl(JsonElement? cacheControl, string param)
    {
        switch (cacheControl)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return false;
            case { ValueKind: JsonValueKind.Object } value:
                var type = Member(value, "type", $"{param}.cache_control");
                Check(type.ValueKind == JsonValueKind.String && Text(type, $"{param}.cache_control.type") == "ephemeral",
                    $"{param}.cache_control.type: must be 'ephemeral'.");
                var ttl = Member(value, "ttl", $"{param}.cache_control");
                Check(ttl.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                    || ttl.ValueKind == JsonValueKind.String && Text(ttl, $"{param}.cache_control.ttl") is "5m" or "1h",
                    $"{param}.cache_control.ttl: must be '5m' or '1h'.");
                return true;
            case { } other:
                throw InvalidType($"{param}.cache_control", "an object", other.ValueKind);
        }
    }

    private static ContentBlockParam ReadBlock(JsonElement element, string param)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw InvalidType(param, "an object", element.ValueKind);
        }

        try
        {
            return element.Deserialize(AnthropicJsonContext.Default.ContentBlockParam)!;
        }
        catch (JsonException e)
        {
            var member = e.Path is null or "$" ? "" : e.Path.TrimStart('$');
            throw Invalid($"{param}{member}: has the wrong type.");
        }
    }

    /// <summary>An object's member (Undefined when absent); a member name that is no text (an escaped lone surrogate) is the client's error.</summary>
    private static JsonElement Member(JsonElement obj, string name, string param)
    {
        try
        {
            return obj.TryGetProperty(name, out var value) ? value : default;
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"{param}: has a member name that is not valid Unicode text.");
        }
    }

    /// <summary>A JSON string's text; an escaped lone surrogate ("\ud800") has none, and is the client's error.</summary>
    private static string Text(JsonElement value, string param)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"{param}: is not valid Unicode text.");
        }
    }

    private static string Require(string? value, string param) => value ?? throw Invalid($"{param}: Field required.");

    private static RoutingException Invalid(string message) => RoutingException.InvalidRequest(message, null);

    private static RoutingException InvalidType(string param, string expected, JsonValueKind got) =>
        RoutingException.InvalidRequest($"{param}: expected {expected}, got {Describe(got)}.", param, "invalid_type");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Undefined => "nothing",
        _ => "null",
    };

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw Invalid(message);
        }
    }

    /// <summary>What the estimate counts: characters of text, and images at their flat rate.</summary>
    private sealed class CharCount
    {
        public long Text { get; private set; }

        public long ImageTokens { get; private set; }

        public void Add(string text) => Text = checked(Text + text.Length);

        /// <summary>The characters of a value's JSON as the client sent it (text, as checked), counted off its bytes: a schema is not copied into a string to be counted.</summary>
        public void AddJson(JsonElement value) => Text = checked(Text + Encoding.UTF8.GetCharCount(JsonMarshal.GetRawUtf8Value(value)));

        public void AddImage() => ImageTokens = checked(ImageTokens + MessagesRequestMapper.ImageTokens);
    }
}

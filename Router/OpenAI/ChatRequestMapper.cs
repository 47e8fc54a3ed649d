using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>Validates an OpenAI Chat Completions request and maps it onto Microsoft.Extensions.AI types.</summary>
public static class ChatRequestMapper
{
    /// <summary>Output tokens reserved against tpm when the client sets no limit (Bedrock reserves the model maximum).</summary>
    public const int DefaultReservedOutputTokens = 4096;

    public static RouteRequest Map(ChatCompletionRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw RoutingException.InvalidRequest("'model' is required.", "model", "missing_required_parameter");
        }

        if (request.Messages is not { Count: > 0 } wireMessages)
        {
            throw RoutingException.InvalidRequest("'messages' must be a non-empty array.", "messages", "missing_required_parameter");
        }

        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        Check(maxTokens is null or >= 1, "max_tokens must be at least 1.", request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens");
        Check(request.Temperature is null or >= 0 and <= 2, "temperature must be between 0 and 2.", "temperature");
        Check(request.TopP is null or >= 0 and <= 1, "top_p must be between 0 and 1.", "top_p");
        Check(request.N is null or 1, "Only n = 1 is supported.", "n");

        var inputChars = 0;
        var messages = new List<ChatMessage>(wireMessages.Count);
        for (var i = 0; i < wireMessages.Count; i++)
        {
            var message = MapMessage(wireMessages[i], i);
            inputChars += message.Text.Length;
            messages.Add(message);
        }

        var options = new ChatOptions
        {
            MaxOutputTokens = maxTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            StopSequences = MapStop(request.Stop),
            Tools = MapTools(request.Tools),
        };
        options.ToolMode = MapToolChoice(request.ToolChoice);

        // Roughly four characters a token, plus the output limit: what tpm reservations count before the call.
        var reserved = inputChars / 4 + messages.Count + (maxTokens ?? DefaultReservedOutputTokens);
        return new RouteRequest(request.Model, messages, options, reserved);
    }

    private static ChatMessage MapMessage(ChatCompletionMessage message, int index)
    {
        var param = $"messages[{index}]";
        switch (message.Role)
        {
            case "system" or "developer":
                return new ChatMessage(ChatRole.System, ReadText(message.Content, param));
            case "user":
                return new ChatMessage(ChatRole.User, ReadText(message.Content, param));
            case "assistant":
                var contents = new List<AIContent>();
                if (message.Content is { ValueKind: not JsonValueKind.Null } && ReadText(message.Content, param) is { Length: > 0 } text)
                {
                    contents.Add(new TextContent(text));
                }

                foreach (var call in message.ToolCalls ?? [])
                {
                    Check(call.Id is not null && call.Function?.Name is not null, "Each tool call needs an id and a function name.", $"{param}.tool_calls");
                    contents.Add(new FunctionCallContent(call.Id!, call.Function!.Name!, ParseArguments(call.Function.Arguments, $"{param}.tool_calls")));
                }

                return new ChatMessage(ChatRole.Assistant, contents);
            case "tool":
                Check(message.ToolCallId is not null, "A tool message needs tool_call_id.", $"{param}.tool_call_id");
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId!, ReadText(message.Content, param))]);
            default:
                throw RoutingException.InvalidRequest($"{param}.role must be one of system, developer, user, assistant, tool; got '{message.Role}'.", $"{param}.role");
        }
    }

    private static string ReadText(JsonElement? content, string param)
    {
        switch (content)
        {
            case { ValueKind: JsonValueKind.String } text:
                return text.GetString()!;
            case { ValueKind: JsonValueKind.Array } parts:
                var builder = new System.Text.StringBuilder();
                foreach (var part in parts.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() != "text"
                        || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                    {
                        throw RoutingException.InvalidRequest("Only text content parts are supported.", $"{param}.content");
                    }

                    builder.Append(partText.GetString());
                }

                return builder.ToString();
            default:
                throw RoutingException.InvalidRequest($"{param}.content must be a string or an array of text parts.", $"{param}.content");
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
            throw RoutingException.InvalidRequest("Tool call arguments must be a JSON object.", param);
        }
    }

    private static List<string>? MapStop(JsonElement? stop) => stop switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        { ValueKind: JsonValueKind.Array } many when many.GetArrayLength() <= 4 && many.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String)
            => [.. many.EnumerateArray().Select(s => s.GetString()!)],
        _ => throw RoutingException.InvalidRequest("stop must be a string or an array of up to 4 strings.", "stop"),
    };

    private static List<AITool>? MapTools(List<ToolDefinition>? tools)
    {
        if (tools is not { Count: > 0 })
        {
            return null;
        }

        var mapped = new List<AITool>(tools.Count);
        foreach (var tool in tools)
        {
            Check(tool.Type == "function" && !string.IsNullOrWhiteSpace(tool.Function?.Name), "Each tool must be {type: 'function', function: {name, ...}}.", "tools");
            var schema = tool.Function!.Parameters is { ValueKind: JsonValueKind.Object } parameters
                ? parameters
                : JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;
            mapped.Add(AIFunctionFactory.CreateDeclaration(tool.Function.Name!, tool.Function.Description, schema));
        }

        return mapped;
    }

    private static ChatToolMode? MapToolChoice(JsonElement? choice) => choice switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } mode => mode.GetString() switch
        {
            "none" => ChatToolMode.None,
            "auto" => ChatToolMode.Auto,
            "required" => ChatToolMode.RequireAny,
            var other => throw RoutingException.InvalidRequest($"tool_choice '{other}' is not none, auto or required.", "tool_choice"),
        },
        { ValueKind: JsonValueKind.Object } named when named.TryGetProperty("function", out var function)
            && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            => ChatToolMode.RequireSpecific(name.GetString()!),
        _ => throw RoutingException.InvalidRequest("tool_choice must be a string or {type: 'function', function: {name}}.", "tool_choice"),
    };

    private static void Check(bool condition, string message, string param)
    {
        if (!condition)
        {
            throw RoutingException.InvalidRequest(message, param);
        }
    }
}

using System.Globalization;
using System.Text.Json;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// Validates an Anthropic Messages body as Bedrock does (its schema first, then Anthropic's own rules,
/// each in its wording) and measures its prompt: system, messages and tool definitions.
/// </summary>
internal static class ClaudeMessagesValidator
{
    public const string AnthropicVersion = "bedrock-2023-05-31";

    public static EmulatorError? Validate(ClaudeMessagesRequest request, out PromptMeter prompt)
    {
        prompt = new PromptMeter();
        if (SchemaError(request) is { } schemaError)
        {
            return schemaError;
        }

        if (SystemError(request.System, ref prompt) is { } systemError)
        {
            return systemError;
        }

        var messages = request.Messages!;
        if (messages.Count == 0)
        {
            return EmulatorError.Validation("messages: at least one message is required");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (MessageError(messages, i, ref prompt) is { } messageError)
            {
                return messageError;
            }

            prompt.EndMessage();
        }

        return ToolsError(request.Tools, ref prompt);
    }

    private static EmulatorError? SchemaError(ClaudeMessagesRequest request)
    {
        var missing = request.AnthropicVersion is null ? "anthropic_version" : request.MaxTokens is null ? "max_tokens" : request.Messages is null ? "messages" : null;
        if (missing is not null)
        {
            return RequestJson.Malformed("#", $"required key [{missing}] not found");
        }

        if (request.Extraneous?.Keys.FirstOrDefault() is { } extraneous)
        {
            return RequestJson.Malformed("#", $"extraneous key [{extraneous}] is not permitted");
        }

        if (request.AnthropicVersion != AnthropicVersion)
        {
            return RequestJson.Malformed("#/anthropic_version", $"{request.AnthropicVersion} is not a valid enum value");
        }

        return request.MaxTokens < 1 ? RequestJson.Malformed("#/max_tokens", $"{request.MaxTokens} is not greater or equal to 1")
            : RangeError("temperature", request.Temperature, 1) ?? RangeError("top_p", request.TopP, 1) ?? RangeError("top_k", request.TopK, null)
            ?? ModelAnswer.StopSequencesError(request.StopSequences, "#/stop_sequences");
    }

    private static EmulatorError? RangeError(string name, double? value, double? max) => value switch
    {
        < 0 => RequestJson.Malformed($"#/{name}", $"{Number(value.Value)} is not greater or equal to 0"),
        _ when value > max => RequestJson.Malformed($"#/{name}", $"{Number(value!.Value)} is not less or equal to {Number(max.Value)}"),
        _ => null,
    };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static EmulatorError? SystemError(JsonElement? system, ref PromptMeter prompt)
    {
        switch (system?.ValueKind)
        {
            case null:
                return null;
            case JsonValueKind.String:
                prompt.AddText(system.Value.GetString());
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var block in system.Value.EnumerateArray())
                {
                    if (BlockError(block, "system", $"system.{index}", $"#/system/{index}", allowTools: false, ref prompt) is { } blockError)
                    {
                        return blockError;
                    }

                    index++;
                }

                break;
            default:
                return RequestJson.Malformed("#/system", $"expected type: String or JSONArray, found: {RequestJson.TypeName(system.Value.ValueKind)}");
        }

        // The system prompt counts as one message, as Converse's does; an empty one is no message.
        if (system.Value.ValueKind == JsonValueKind.String ? system.Value.GetString()!.Length > 0 : system.Value.GetArrayLength() > 0)
        {
            prompt.EndMessage();
        }

        return null;
    }

    private static EmulatorError? MessageError(List<ClaudeMessage> messages, int index, ref PromptMeter prompt)
    {
        var message = messages[index];
        if (message.Role is null)
        {
            return RequestJson.Malformed($"#/messages/{index}", "required key [role] not found");
        }

        if (message.Role is not ("user" or "assistant"))
        {
            return EmulatorError.Validation($"messages.{index}.role: Input should be 'user' or 'assistant'");
        }

        if (index == 0 && message.Role != "user")
        {
            return EmulatorError.Validation("messages: first message must use the \"user\" role");
        }

        if (index > 0 && messages[index - 1].Role == message.Role)
        {
            return EmulatorError.Validation($"messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"{message.Role}\" roles in a row");
        }

        // The answer continues a final assistant message (a prefill), which may be empty.
        var mayBeEmpty = index == messages.Count - 1 && message.Role == "assistant";
        var empty = EmulatorError.Validation($"messages.{index}: all messages must have non-empty content except for the optional final assistant message");
        switch (message.Content?.ValueKind)
        {
            case null:
                return RequestJson.Malformed($"#/messages/{index}", "required key [content] not found");
            case JsonValueKind.String:
                var text = message.Content.Value.GetString()!;
                if (text.Length == 0)
                {
                    return mayBeEmpty ? null : empty;
                }

                return TextError(text, "messages", ref prompt);
            case JsonValueKind.Array:
                var blocks = message.Content.Value;
                if (blocks.GetArrayLength() == 0 && !mayBeEmpty)
                {
                    return empty;
                }

                var j = 0;
                foreach (var block in blocks.EnumerateArray())
                {
                    if (BlockError(block, "messages", $"messages.{index}.content.{j}", $"#/messages/{index}/content/{j}", allowTools: true, ref prompt) is { } blockError)
                    {
                        return blockError;
                    }

                    j++;
                }

                return null;
            default:
                return RequestJson.Malformed($"#/messages/{index}/content", $"expected type: String or JSONArray, found: {RequestJson.TypeName(message.Content.Value.ValueKind)}");
        }
    }

    private static EmulatorError? BlockError(JsonElement block, string root, string path, string pointer, bool allowTools, ref PromptMeter prompt)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            return RequestJson.Malformed(pointer, $"expected type: JSONObject, found: {RequestJson.TypeName(block.ValueKind)}");
        }

        if (!block.TryGetProperty("type", out var tag) || tag.ValueKind != JsonValueKind.String)
        {
            return EmulatorError.Validation($"{path}: Unable to extract tag using discriminator 'type'");
        }

        // Anthropic's error paths name the block's type after its index.
        var type = tag.GetString();
        var typed = $"{path}.{type}";
        switch (type)
        {
            case "text":
                return FieldError(block, typed, "text", JsonValueKind.String) ?? TextError(block.GetProperty("text").GetString()!, root, ref prompt);
            case "tool_use" when allowTools:
                if ((FieldError(block, typed, "id", JsonValueKind.String) ?? FieldError(block, typed, "name", JsonValueKind.String)
                    ?? FieldError(block, typed, "input", JsonValueKind.Object)) is { } toolUseError)
                {
                    return toolUseError;
                }

                prompt.AddText(block.GetProperty("name").GetString());
                prompt.AddText(block.GetProperty("input").GetRawText());
                return null;
            case "tool_result" when allowTools:
                if (FieldError(block, typed, "tool_use_id", JsonValueKind.String) is { } toolResultError)
                {
                    return toolResultError;
                }

                AddToolResult(block, ref prompt);
                return null;
            default:
                return EmulatorError.Validation($"{path}: Input tag '{type}' found using 'type' does not match any of the expected tags: "
                    + (allowTools ? "'text', 'tool_use', 'tool_result'" : "'text'"));
        }
    }

    /// <summary>A tool result's content is a string or blocks; its text counts, other blocks (images) are not measured.</summary>
    private static void AddToolResult(JsonElement block, ref PromptMeter prompt)
    {
        if (!block.TryGetProperty("content", out var content))
        {
            return;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            prompt.AddText(content.GetString());
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                prompt.AddText(text.GetString());
            }
        }
    }

    private static EmulatorError? TextError(string text, string root, ref PromptMeter prompt)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return EmulatorError.Validation(text.Length == 0
                ? $"{root}: text content blocks must be non-empty"
                : $"{root}: text content blocks must contain non-whitespace text");
        }

        prompt.AddText(text);
        return null;
    }

    /// <summary>A required member of a block, in Anthropic's wording when it is missing or of the wrong type.</summary>
    private static EmulatorError? FieldError(JsonElement block, string path, string name, JsonValueKind kind)
    {
        if (!block.TryGetProperty(name, out var value))
        {
            return EmulatorError.Validation($"{path}.{name}: Field required");
        }

        return value.ValueKind == kind ? null
            : EmulatorError.Validation($"{path}.{name}: Input should be a valid {(kind == JsonValueKind.String ? "string" : "dictionary")}");
    }

    private static EmulatorError? ToolsError(List<ClaudeTool>? tools, ref PromptMeter prompt)
    {
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var tool = tools![i];
            var clientTool = tool.Type is null or "custom";
            var missing = string.IsNullOrEmpty(tool.Name) ? "name" : clientTool && tool.InputSchema?.ValueKind != JsonValueKind.Object ? "input_schema" : null;
            if (missing is not null)
            {
                return RequestJson.Malformed($"#/tools/{i}", $"required key [{missing}] not found");
            }

            // Tool definitions are part of the prompt the model reads.
            prompt.AddText(tool.Name);
            prompt.AddText(tool.Description);
            prompt.AddText(tool.InputSchema?.GetRawText());
        }

        if (tools is { Count: > 0 })
        {
            prompt.EndMessage();
        }

        return null;
    }
}

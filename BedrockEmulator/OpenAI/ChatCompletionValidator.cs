using System.Text.Json;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.OpenAI;

/// <summary>Validates a chat completions request with OpenAI's wording and measures its prompt.</summary>
internal static class ChatCompletionValidator
{
    public static EmulatorError? Validate(ChatCompletionRequest request, out PromptMeter prompt)
    {
        prompt = new PromptMeter();
        if (string.IsNullOrEmpty(request.Model))
        {
            return EmulatorError.Validation("you must provide a model parameter");
        }

        if ((request.MaxCompletionTokens ?? request.MaxTokens) is { } maxTokens && maxTokens < 1)
        {
            var name = request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens";
            return EmulatorError.Validation($"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got {maxTokens} instead.");
        }

        if (request.Temperature is < 0 or > 2)
        {
            return EmulatorError.Validation($"Invalid 'temperature': decimal above maximum value or below minimum value. Expected a value between 0 and 2, but got {request.Temperature} instead.");
        }

        if (request.Messages is not { Count: > 0 } messages)
        {
            return EmulatorError.Validation("[] is too short - 'messages'");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Role is not ("system" or "developer" or "user" or "assistant" or "tool"))
            {
                return EmulatorError.Validation($"Invalid value: '{message.Role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
            }

            switch (message.Content.ValueKind)
            {
                case JsonValueKind.String:
                    prompt.AddText(message.Content.GetString());
                    break;
                case JsonValueKind.Array:
                    foreach (var part in message.Content.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                        {
                            prompt.AddText(text.GetString());
                        }
                    }

                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined when message.Role is "assistant":
                    break;
                default:
                    return EmulatorError.Validation($"Invalid value for 'content' of messages[{i}]: expected a string or an array of content parts.");
            }

            prompt.EndMessage();
        }

        return null;
    }
}

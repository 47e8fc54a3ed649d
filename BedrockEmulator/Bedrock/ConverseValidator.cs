using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>Validates a Converse request as Bedrock does (same wording) and measures its prompt.</summary>
internal static class ConverseValidator
{
    public static EmulatorError? Validate(ConverseRequest request, out PromptMeter prompt)
    {
        prompt = new PromptMeter();
        if (request.InferenceConfig is { } config && ConfigError(config) is { } configError)
        {
            return EmulatorError.Validation(configError);
        }

        if (request.Messages is not { } messages)
        {
            return EmulatorError.Validation("1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null");
        }

        if (messages.Count == 0 || messages[0].Role != "user")
        {
            return EmulatorError.Validation("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
        }

        foreach (var block in request.System ?? [])
        {
            prompt.AddText(block.Text);
        }

        if (request.System is { Count: > 0 })
        {
            prompt.EndMessage();
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (MessageError(messages, i, ref prompt) is { } messageError)
            {
                return EmulatorError.Validation(messageError);
            }

            prompt.EndMessage();
        }

        return null;
    }

    private static string? ConfigError(InferenceConfiguration config)
    {
        if (config.MaxTokens < 1)
        {
            return $"1 validation error detected: Value '{config.MaxTokens}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1";
        }

        if (config.Temperature is < 0 or > 1)
        {
            return $"1 validation error detected: Value '{config.Temperature}' at 'inferenceConfig.temperature' failed to satisfy constraint: Member must have value between 0 and 1";
        }

        return config.TopP is < 0 or > 1
            ? $"1 validation error detected: Value '{config.TopP}' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value between 0 and 1"
            : null;
    }

    private static string? MessageError(List<BedrockMessage> messages, int index, ref PromptMeter prompt)
    {
        var message = messages[index];
        if (message.Role is not ("user" or "assistant"))
        {
            return $"1 validation error detected: Value '{message.Role}' at 'messages.{index + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]";
        }

        if (index > 0 && messages[index - 1].Role == message.Role)
        {
            return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
        }

        if (message.Content is not { Count: > 0 } content)
        {
            return $"The content field in the Message object at messages.{index} is empty. Add a ContentBlock object to the content field and try again.";
        }

        if (index == messages.Count - 1 && message.Role == "assistant" && content.TrueForAll(block => !string.IsNullOrWhiteSpace(block.Text)))
        {
            // A conversation that ends on an assistant turn prefills the answer: the model continues that text.
            var prefill = string.Concat(content.Select(block => block.Text));
            if (prefill.Length > 0 && char.IsWhiteSpace(prefill[^1]))
            {
                return "The model returned the following errors: final assistant content cannot end with trailing whitespace";
            }

            prompt.BeginPrefill(prefill);
        }

        for (var j = 0; j < content.Count; j++)
        {
            var block = content[j];
            if (block.Text is { } text && string.IsNullOrWhiteSpace(text))
            {
                return $"The text field in the ContentBlock object at messages.{index}.content.{j} is blank. Add text to the text field, and try again.";
            }

            prompt.AddText(block.Text);
            foreach (var result in block.ToolResult?.Content ?? [])
            {
                prompt.AddText(result.Text);
            }
        }

        return null;
    }
}

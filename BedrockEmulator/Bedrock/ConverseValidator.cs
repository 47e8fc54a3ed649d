using System.Text.Json;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>Validates a Converse request as Bedrock does (same wording) and measures its prompt.</summary>
internal static partial class ConverseValidator
{
    private const int MaxImages = 20;

    private const int MaxImageBytes = 3_932_160; // 3.75 MiB

    private const int MaxStopSequences = 2500;

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

        if (request.ToolConfig is { } tools && ToolConfigError(tools) is { } toolError)
        {
            return EmulatorError.Validation(toolError);
        }

        // A null element where a structure belongs (fuzzed clients send them): Bedrock's null-member wording.
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is null)
            {
                return EmulatorError.Validation($"1 validation error detected: Value null at 'messages.{i + 1}.member' failed to satisfy constraint: Member must not be null");
            }

            if (NullIn(messages[i].Content) is { } block)
            {
                return EmulatorError.Validation($"1 validation error detected: Value null at 'messages.{i + 1}.member.content.{block + 1}.member' failed to satisfy constraint: Member must not be null");
            }
        }

        if (NullIn(request.System) is { } system)
        {
            return EmulatorError.Validation($"1 validation error detected: Value null at 'system.{system + 1}.member' failed to satisfy constraint: Member must not be null");
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

        var images = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (MessageError(messages, i, ref prompt, ref images) is { } messageError)
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

        if (config.TopP is < 0 or > 1)
        {
            return $"1 validation error detected: Value '{config.TopP}' at 'inferenceConfig.topP' failed to satisfy constraint: Member must have value between 0 and 1";
        }

        // The service model: at most 2500, each a non-empty string.
        return config.StopSequences is { } stops && (stops.Count > MaxStopSequences || stops.Any(string.IsNullOrEmpty))
            ? $"1 validation error detected: Value at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must have length less than or equal to {MaxStopSequences}, with each member a non-empty string"
            : null;
    }

    private static string? MessageError(List<BedrockMessage> messages, int index, ref PromptMeter prompt, ref int images)
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

            if (block.Image is { } image)
            {
                if (ImageError(image, message.Role, index, j, ++images) is { } imageError)
                {
                    return imageError;
                }

                prompt.AddImage(image.Source!.Bytes!);
            }

            prompt.AddText(block.Text);
            foreach (var result in block.ToolResult?.Content ?? [])
            {
                prompt.AddText(result?.Text);
            }
        }

        return null;
    }

    /// <summary>The index of the first null element; null when there is none.</summary>
    private static int? NullIn<T>(IReadOnlyList<T>? items)
        where T : class
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (items![i] is null)
            {
                return i;
            }
        }

        return null;
    }

    private static string? ImageError(ImageBlock image, string? role, int message, int block, int count)
    {
        var at = $"messages.{message + 1}.member.content.{block + 1}.member.image";
        if (image.Format is not ("png" or "jpeg" or "gif" or "webp"))
        {
            return $"1 validation error detected: Value '{image.Format}' at '{at}.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]";
        }

        if (image.Source?.Bytes is not { } bytes)
        {
            return $"1 validation error detected: Value null at '{at}.source' failed to satisfy constraint: Member must not be null";
        }

        if (bytes.Length == 0)
        {
            return $"1 validation error detected: Value at '{at}.source.bytes' failed to satisfy constraint: Member must have length greater than or equal to 1";
        }

        if (role != "user")
        {
            return $"The image in messages.{message}.content.{block} is not allowed: images can only be included in user messages.";
        }

        if (count > MaxImages)
        {
            return $"Too many images: a request may include at most {MaxImages} images.";
        }

        if (bytes.Length > MaxImageBytes)
        {
            return $"The image in messages.{message}.content.{block} is too large: an image must be no more than 3.75 MB.";
        }

        return ImageSignature(bytes) == image.Format
            ? null
            : $"The model returned the following errors: messages.{message}.content.{block}.image.source.bytes: Image does not match the provided media type image/{image.Format}";
    }

    /// <summary>The format whose file signature the bytes start with.</summary>
    private static string? ImageSignature(ReadOnlySpan<byte> data) => data switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "png",
        [0xFF, 0xD8, 0xFF, ..] => "jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => "gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "webp",
        _ => null,
    };

    private static string? ToolConfigError(ToolConfiguration config)
    {
        if (config.Tools is not { Count: > 0 } tools)
        {
            return "1 validation error detected: Value '[]' at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
        }

        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i]?.ToolSpec is not { Name: { Length: > 0 } name } spec || !ToolNamePattern().IsMatch(name))
            {
                return $"1 validation error detected: Value at 'toolConfig.tools.{i + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+";
            }

            if (spec.InputSchema?.Json is not { ValueKind: JsonValueKind.Object } schema
                || !schema.TryGetProperty("type", out var type) || !type.ValueEquals("object"))
            {
                return $"The model returned the following errors: tools.{i}.custom.input_schema.type: Input should be 'object'";
            }
        }

        var choices = config.ToolChoice is { } choice ? (choice.Auto is null ? 0 : 1) + (choice.Any is null ? 0 : 1) + (choice.Tool is null ? 0 : 1) : 1;
        if (choices != 1)
        {
            return "1 validation error detected: Value at 'toolConfig.toolChoice' failed to satisfy constraint: Member must have exactly one member set";
        }

        if (config.ToolChoice?.Tool is { } specific && !tools.Any(t => t.ToolSpec!.Name == specific.Name))
        {
            return $"The model returned the following errors: Tool '{specific.Name}' not found in the provided tools.";
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex ToolNamePattern();
}

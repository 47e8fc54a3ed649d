using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Providers.Bedrock;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Validates a Converse request and maps it onto the core's <see cref="RouteRequest"/> (Microsoft.Extensions.AI
/// messages and options), the inverse of the Bedrock provider's <see cref="ConverseRequestMapper"/>. The Router
/// forwards text, toolUse and toolResult blocks; any other content block (image, document, video,
/// cachePoint, guardContent, reasoningContent) is refused with a ValidationException naming it rather than
/// silently dropped, because another deployment of the group may not be a Bedrock model at all.
/// </summary>
internal static class ConverseRouteMapper
{
    /// <summary>Most messages one request may carry (as the OpenAI door).</summary>
    public const int MaxMessages = ChatRequestMapper.MaxMessages;

    /// <summary>Most tools one request may declare.</summary>
    public const int MaxTools = ChatRequestMapper.MaxTools;

    /// <summary>Most stop sequences (Bedrock's Converse limit for Claude is 8191; one request rarely needs more than a few).</summary>
    public const int MaxStopSequences = 32;

    public static RouteRequest Map(ConverseRequest request, ModelGroup group)
    {
        // The wire types' required members may still be JSON null: every one is checked before use.
        Check(request.Messages is { Count: > 0 }, "messages must contain at least one message.");
        Check(request.Messages.Count <= MaxMessages, $"messages has {request.Messages.Count} elements; at most {MaxMessages} are allowed.");
        var config = request.InferenceConfig;
        Check(config?.MaxTokens is null or >= 1, "inferenceConfig.maxTokens must be at least 1.");
        Check(config?.MaxTokens is null || config.MaxTokens <= group.MaxOutputTokens,
            $"inferenceConfig.maxTokens is {config?.MaxTokens}; the model '{group.Name}' supports at most {group.MaxOutputTokens} output tokens.");
        Check(config?.Temperature is null or >= 0 and <= 1, "inferenceConfig.temperature must be between 0 and 1.");
        Check(config?.TopP is null or >= 0 and <= 1, "inferenceConfig.topP must be between 0 and 1.");
        Check(config?.StopSequences is null || config.StopSequences.Count <= MaxStopSequences && config.StopSequences.All(s => s is { Length: > 0 }),
            $"inferenceConfig.stopSequences takes at most {MaxStopSequences} non-empty strings.");

        var inputChars = 0L;
        var messages = new List<ChatMessage>(request.Messages.Count + (request.System?.Count ?? 0));
        foreach (var system in request.System ?? [])
        {
            Check(system?.Text is not null, "system blocks must be objects with text.");
            messages.Add(new ChatMessage(ChatRole.System, system!.Text));
            inputChars = checked(inputChars + system.Text.Length);
        }

        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            Check(message is not null, $"messages.{i} must be an object.");
            var role = message!.Role switch
            {
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => throw Invalid($"messages.{i}.role must be 'user' or 'assistant'."),
            };
            Check(message.Content is { Count: > 0 }, $"messages.{i}.content must contain at least one content block.");
            var contents = new List<AIContent>(message.Content.Count);
            for (var j = 0; j < message.Content.Count; j++)
            {
                var (content, chars) = MapBlock(message.Content[j], role, $"messages.{i}.content.{j}");
                contents.Add(content);
                inputChars = checked(inputChars + chars);
            }

            messages.Add(new ChatMessage(role, contents));
        }

        var options = new ChatOptions
        {
            MaxOutputTokens = config?.MaxTokens,
            Temperature = config?.Temperature,
            TopP = config?.TopP,
            StopSequences = config?.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
        };
        MapTools(request.ToolConfig, options);

        // As the OpenAI door: about four characters a token, plus the output limit.
        var output = config?.MaxTokens ?? Math.Min(ChatRequestMapper.DefaultReservedOutputTokens, group.MaxOutputTokens);
        var reserved = checked(inputChars / 4 + messages.Count + output);
        Check(reserved <= int.MaxValue, "The request is too large to reserve tokens for.");
        return new RouteRequest(group.Name, messages, options, (int)reserved);
    }

    private static (AIContent Content, long Chars) MapBlock(ConverseContentBlock? block, ChatRole role, string path)
    {
        var members = block is null ? 0 : (block.Text is null ? 0 : 1) + (block.ToolUse is null ? 0 : 1) + (block.ToolResult is null ? 0 : 1);
        Check(members == 1,
            $"{path} must be exactly one of text, toolUse or toolResult; the Router does not forward other content blocks (image, document, video, cachePoint, guardContent, reasoningContent).");
        switch (block)
        {
            case { Text: { } text }:
                return (new TextContent(text), text.Length);
            case { ToolUse: { } use }:
                Check(use.ToolUseId is { Length: > 0 } && use.Name is { Length: > 0 }, $"{path}.toolUse needs a toolUseId and a name.");
                Check(role == ChatRole.Assistant, $"{path}.toolUse may only appear in an assistant message.");
                Check(use.Input.ValueKind is JsonValueKind.Object, $"{path}.toolUse.input must be a JSON object.");
                var arguments = use.Input.Deserialize<Dictionary<string, object?>>(AIJsonUtilities.DefaultOptions);
                return (new FunctionCallContent(use.ToolUseId, use.Name, arguments), use.Input.GetRawText().Length);
            default:
                var result = block!.ToolResult!;
                Check(role == ChatRole.User, $"{path}.toolResult may only appear in a user message.");
                Check(result.ToolUseId is { Length: > 0 } && result.Content is not null, $"{path}.toolResult needs a toolUseId and content.");
                Check(result.Status is null or "success" or "error", $"{path}.toolResult.status must be 'success' or 'error'.");
                Check(result.Content.All(c => c?.Text is not null), $"{path}.toolResult.content: the Router forwards text results only.");
                var texts = string.Concat(result.Content.Select(c => c.Text));
                var content = new FunctionResultContent(result.ToolUseId, texts)
                {
                    Exception = result.Status == "error" ? new InvalidOperationException(texts) : null,
                };
                return (content, texts.Length);
        }
    }

    private static void MapTools(ToolConfiguration? config, ChatOptions options)
    {
        if (config is null)
        {
            return;
        }

        Check(config.Tools is { Count: > 0 and <= MaxTools }, $"toolConfig.tools must have 1 to {MaxTools} tools.");
        var tools = new List<AITool>(config.Tools.Count);
        for (var i = 0; i < config.Tools.Count; i++)
        {
            var spec = config.Tools[i]?.ToolSpec;
            Check(spec is { Name.Length: > 0, InputSchema: not null }, $"toolConfig.tools.{i}.toolSpec with a name is required.");
            Check(spec!.InputSchema.Json.ValueKind == JsonValueKind.Object, $"toolConfig.tools.{i}.toolSpec.inputSchema.json must be a JSON object.");
            tools.Add(AIFunctionFactory.CreateDeclaration(spec.Name, spec.Description, spec.InputSchema.Json.Clone()));
        }

        options.Tools = tools;
        var choice = config.ToolChoice;
        if (choice is null)
        {
            return;
        }

        var set = (choice.Auto is null ? 0 : 1) + (choice.Any is null ? 0 : 1) + (choice.Tool is null ? 0 : 1);
        Check(set == 1, "toolConfig.toolChoice must be exactly one of auto, any or tool.");
        Check(choice.Tool is null || choice.Tool.Name is not null && tools.Any(t => t.Name == choice.Tool.Name), $"toolConfig.toolChoice.tool names '{choice.Tool?.Name}', which is not among the tools.");
        options.ToolMode = choice switch
        {
            { Tool: { } tool } => ChatToolMode.RequireSpecific(tool.Name),
            { Any: not null } => ChatToolMode.RequireAny,
            _ => ChatToolMode.Auto,
        };
    }

    private static void Check([DoesNotReturnIf(false)] bool condition, string message)
    {
        if (!condition)
        {
            throw Invalid(message);
        }
    }

    private static RoutingException Invalid(string message) => RoutingException.InvalidRequest(message, null);
}

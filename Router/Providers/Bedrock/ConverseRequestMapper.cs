using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.Bedrock;

/// <summary>Maps Microsoft.Extensions.AI messages and options onto a Converse request.</summary>
internal static class ConverseRequestMapper
{
    /// <param name="modelId">The model or inference profile called: model-specific fields and cache points go only to the families that take them.</param>
    public static ConverseRequest Map(IEnumerable<ChatMessage> messages, ChatOptions? options, string modelId)
    {
        // Bedrock prompt caching is for Claude and Nova models; other models refuse a cachePoint.
        var caching = modelId.Contains("anthropic.claude", StringComparison.Ordinal) || modelId.Contains("amazon.nova", StringComparison.Ordinal);
        List<SystemBlock>? system = null;
        var converse = new List<ConverseMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                system ??= [];
                foreach (var content in message.Contents)
                {
                    if (content is TextContent { Text.Length: > 0 } text)
                    {
                        system.Add(new SystemBlock { Text = text.Text });
                    }
                    else if (content is CachePointContent && caching && system.Count > 0)
                    {
                        system.Add(new SystemBlock { CachePoint = new CachePointBlock() });
                    }
                }

                continue;
            }

            // Tool results travel in user turns; Converse wants user and assistant turns to alternate,
            // so consecutive turns of one role are merged.
            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var blocks = message.Contents.Where(c => caching || c is not CachePointContent).Select(MapContent).OfType<ConverseContentBlock>().ToList();
            if (blocks.Count == 0)
            {
                continue;
            }

            if (converse.Count > 0 && converse[^1].Role == role)
            {
                converse[^1].Content.AddRange(blocks);
            }
            else
            {
                converse.Add(new ConverseMessage { Role = role, Content = blocks });
            }
        }

        return new ConverseRequest
        {
            Messages = converse,
            System = system,
            InferenceConfig = options is null ? null : new InferenceConfiguration
            {
                MaxTokens = options.MaxOutputTokens,
                Temperature = options.Temperature,
                TopP = options.TopP,
                StopSequences = options.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            },
            ToolConfig = MapTools(options),
            // Converse has no top_k; Anthropic's models take it as a model-specific field (others' differ, so they go without).
            AdditionalModelRequestFields = options?.TopK is { } topK && modelId.Contains("anthropic.", StringComparison.Ordinal) ? new() { ["top_k"] = JsonSerializer.SerializeToElement(topK, ConverseJsonContext.Default.Int32) } : null,
        };
    }

    private static ConverseContentBlock? MapContent(AIContent content) => content switch
    {
        TextContent { Text.Length: > 0 } text => new ConverseContentBlock { Text = text.Text },
        DataContent image when ImageFormat(image) is { } format => new ConverseContentBlock { Image = new ImageBlock { Format = format, Source = new ImageSourceBlock { Bytes = image.Data.ToArray() } } },
        CachePointContent => new ConverseContentBlock { CachePoint = new CachePointBlock() },
        FunctionCallContent call => new ConverseContentBlock
        {
            ToolUse = new ToolUseBlock
            {
                ToolUseId = call.CallId,
                Name = call.Name,
                Input = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions),
            },
        },
        FunctionResultContent result => new ConverseContentBlock
        {
            ToolResult = new ToolResultBlock
            {
                ToolUseId = result.CallId,
                Content = MapToolResult(result.Result),
                Status = result.Exception is null ? null : "error",
            },
        },
        _ => null,
    };

    /// <summary>A tool's result: its text, or its text and image parts.</summary>
    private static List<ToolResultContent> MapToolResult(object? result) => result switch
    {
        IEnumerable<AIContent> parts => [.. parts.Select(part => part switch
        {
            TextContent text => new ToolResultContent { Text = text.Text },
            DataContent image when ImageFormat(image) is { } format => new ToolResultContent { Image = new ImageBlock { Format = format, Source = new ImageSourceBlock { Bytes = image.Data.ToArray() } } },
            _ => null,
        }).OfType<ToolResultContent>()],
        _ => [new ToolResultContent { Text = result?.ToString() ?? "" }],
    };

    /// <summary>Converse's image format for an image's media type; null for what Converse cannot take.</summary>
    private static string? ImageFormat(DataContent content) => content.MediaType switch
    {
        "image/png" => "png",
        "image/jpeg" => "jpeg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => null,
    };

    /// <summary>
    /// The tool through which a JSON response format is honoured: Converse has no response format, so the
    /// model is made to call this tool, whose input schema is the requested one, and the tool's input is
    /// the answer's text (<see cref="BedrockChatClient"/> unwraps it).
    /// </summary>
    public const string ResponseToolName = "switchyard_json_response";

    private static ToolConfiguration? MapTools(ChatOptions? options)
    {
        var clientTools = options?.Tools is { Count: > 0 } tools && options.ToolMode is not NoneChatToolMode
            ? tools.OfType<AIFunctionDeclaration>().Select(tool => new ToolDefinition
            {
                ToolSpec = new ToolSpecification
                {
                    Name = tool.Name,
                    Description = string.IsNullOrEmpty(tool.Description) ? null : tool.Description,
                    InputSchema = new ToolInputSchema { Json = tool.JsonSchema },
                },
            }).ToList()
            : [];
        var responseTool = options?.ResponseFormat is ChatResponseFormatJson json ? ResponseTool(json) : null;
        if (clientTools.Count == 0 && responseTool is null)
        {
            return null;
        }

        var choice = options!.ToolMode switch
        {
            RequiredChatToolMode { RequiredFunctionName: { } name } when clientTools.Count > 0 => new ToolChoice { Tool = new SpecificToolChoice { Name = name } },
            RequiredChatToolMode when clientTools.Count > 0 => new ToolChoice { Any = new EmptyObject() },
            // With a response format the model answers through some tool: one of the client's, or the response tool.
            _ when responseTool is not null && clientTools.Count > 0 => new ToolChoice { Any = new EmptyObject() },
            _ when responseTool is not null => new ToolChoice { Tool = new SpecificToolChoice { Name = ResponseToolName } },
            _ => null,
        };
        if (responseTool is not null)
        {
            clientTools.Add(responseTool);
        }

        return new ToolConfiguration { Tools = clientTools, ToolChoice = choice };
    }

    private static ToolDefinition ResponseTool(ChatResponseFormatJson format) => new()
    {
        ToolSpec = new ToolSpecification
        {
            Name = ResponseToolName,
            Description = "Give your final answer by calling this tool: its input is the answer, as a JSON object"
                + (format.SchemaName is { } name ? $" named {name}" : "")
                + (format.SchemaDescription is { Length: > 0 } description ? $" ({description})." : "."),
            InputSchema = new ToolInputSchema { Json = format.Schema ?? AnyObject },
        },
    };

    private static readonly JsonElement AnyObject = JsonElement.Parse("""{"type":"object"}""");

    public static ChatFinishReason? MapStopReason(string? stopReason) => stopReason switch
    {
        null => null,
        "end_turn" => ChatFinishReason.Stop,
        "stop_sequence" => ProviderFinishReasons.StopSequence,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "guardrail_intervened" or "content_filtered" => ChatFinishReason.ContentFilter,
        var other => new ChatFinishReason(other),
    };

    /// <summary>The usage, with prompt-cache reads as cached input tokens and cache writes as an additional count.</summary>
    public static UsageDetails? MapUsage(TokenUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokens,
        OutputTokenCount = usage.OutputTokens,
        TotalTokenCount = usage.TotalTokens,
        CachedInputTokenCount = usage.CacheReadInputTokens,
        AdditionalCounts = usage.CacheWriteInputTokens is { } written ? new() { [CachePointContent.CacheWriteInputTokens] = written } : null,
    };
}

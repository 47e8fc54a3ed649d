using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

// The Anthropic Messages body Claude takes on InvokeModel, and its answer. Content and system are
// a string or an array of blocks, so they stay JSON and are walked by ClaudeMessagesValidator.

internal sealed class ClaudeMessagesRequest
{
    public string? AnthropicVersion { get; set; }

    public JsonElement? AnthropicBeta { get; set; }

    public int? MaxTokens { get; set; }

    public List<ClaudeMessage>? Messages { get; set; }

    public JsonElement? System { get; set; }

    public List<string>? StopSequences { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? TopK { get; set; }

    public List<ClaudeTool>? Tools { get; set; }

    public JsonElement? ToolChoice { get; set; }

    public JsonElement? Thinking { get; set; }

    /// <summary>Keys the body may not have: Bedrock refuses them.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extraneous { get; set; }
}

internal sealed class ClaudeMessage
{
    public string? Role { get; set; }

    public JsonElement? Content { get; set; }
}

internal sealed class ClaudeTool
{
    /// <summary>Absent (or <c>custom</c>) for a client tool; a server tool's versioned type otherwise.</summary>
    public string? Type { get; set; }

    public string? Name { get; set; }

    public string? Description { get; set; }

    public JsonElement? InputSchema { get; set; }
}

internal sealed record ClaudeMessageResponse(
    string Id, string Type, string Role, string Model, ClaudeTextBlock[] Content, string StopReason, string? StopSequence, ClaudeUsage Usage);

internal sealed record ClaudeTextBlock(string Type, string Text);

internal sealed record ClaudeUsage(int InputTokens, int OutputTokens);

// Anthropic's answers carry stop_sequence even when null, so nulls are written.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ClaudeMessagesRequest))]
[JsonSerializable(typeof(ClaudeMessageResponse))]
internal sealed partial class ClaudeJsonContext : JsonSerializerContext;

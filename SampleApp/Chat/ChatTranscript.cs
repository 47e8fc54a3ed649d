using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.SampleApp.RouterClient;

namespace Switchyard.SampleApp.Chat;

/// <summary>One browser session's conversation and its choices; kept in Redis so a reload finds it again.</summary>
public sealed class ChatTranscript
{
    /// <summary>B by default: A is the reference's noisy tenant, limited to 3 requests a minute.</summary>
    public string Tenant { get; set; } = "B";

    public string ModelGroup { get; set; } = "claude-sonnet-multi-region";

    public List<ChatTurn> Turns { get; set; } = [];
}

/// <summary>A message of the conversation; an assistant's carries how it was served.</summary>
public sealed record ChatTurn(string Role, string Text, AnswerDetails? Details = null)
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>How an answer was served: by whom, and how long the first and the last token took.</summary>
public sealed record AnswerDetails(ServedBy? ServedBy, double? TimeToFirstTokenMs, double TimeToLastTokenMs, string? Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatTranscript))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;

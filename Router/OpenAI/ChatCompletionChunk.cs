using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// One <c>chat.completion.chunk</c> of a streamed answer, written straight to JSON by <see cref="Write"/>: a stream
/// writes one per upstream update, so no object model per event (a chunk, its choice list and delta) is built to
/// be serialized and dropped. The shape is the one OpenAI sends, <c>null</c> members left out except
/// <c>finish_reason</c>: <c>{"id","object","created","model","choices":[{"index":0,"delta":{"role","content",
/// "tool_calls"},"finish_reason"}],"usage","switchyard":{"continued":true,"continuations":n}}</c>.
/// </summary>
public readonly struct ChatCompletionChunk
{
    private static readonly JsonEncodedText ObjectValue = JsonEncodedText.Encode("chat.completion.chunk");
    private static readonly JsonEncodedText DeltaName = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText SwitchyardName = JsonEncodedText.Encode("switchyard");
    private static readonly JsonEncodedText ContinuedName = JsonEncodedText.Encode("continued");
    private static readonly JsonEncodedText ContinuationsName = JsonEncodedText.Encode("continuations");

    private readonly string _id;
    private readonly long _created;
    private readonly string _model;
    private readonly bool _hasChoice;
    private readonly string? _role;
    private readonly string? _content;
    private readonly IList<AIContent>? _contents;
    private readonly int _firstToolIndex;
    private readonly int _toolCalls;
    private readonly string? _finishReason;
    private readonly CompletionUsage? _usage;
    private readonly int _continuations;

    private ChatCompletionChunk(string id, long created, string model, bool hasChoice, string? role, string? content, IList<AIContent>? contents,
        int firstToolIndex, string? finishReason, CompletionUsage? usage, int continuations)
    {
        (_id, _created, _model, _hasChoice, _role, _content, _contents) = (id, created, model, hasChoice, role, content, contents);
        (_firstToolIndex, _finishReason, _usage, _continuations) = (firstToolIndex, finishReason, usage, continuations);
        _toolCalls = contents is null ? 0 : ToolCallCount(contents);
    }

    /// <summary>
    /// A chunk with one choice: its delta's role, text and the function calls among <paramref name="contents"/>
    /// (numbered on from <paramref name="firstToolIndex"/>), and its finish reason. A note on continuations is
    /// written when <paramref name="continuations"/> is above zero.
    /// </summary>
    public static ChatCompletionChunk Delta(string id, long created, string model, string? role, string? content, IList<AIContent> contents,
        int firstToolIndex, string? finishReason, int continuations) =>
        new(id, created, model, true, role, content, contents, firstToolIndex, finishReason, null, continuations);

    /// <summary>The chunk after the last one when the client asked for usage: no choices, the usage (if any was reported) and the note.</summary>
    public static ChatCompletionChunk Usage(string id, long created, string model, CompletionUsage? usage, int continuations) =>
        new(id, created, model, false, null, null, null, 0, null, usage, continuations);

    /// <summary>How many tool calls the delta carries: the next delta's are numbered on after them.</summary>
    public int ToolCalls => _toolCalls;

    /// <summary>A delta with nothing to say (no role, text, tool call or finish reason), which a stream does not send.</summary>
    public bool IsEmpty => _hasChoice && _role is null && _content is null && _toolCalls == 0 && _finishReason is null;

    // A delta's tool calls, counted without a list per update.
    private static int ToolCallCount(IList<AIContent> contents)
    {
        var count = 0;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is FunctionCallContent)
            {
                count++;
            }
        }

        return count;
    }

    public static void Write(Utf8JsonWriter json, ChatCompletionChunk chunk)
    {
        OpenAIJsonWriter.WriteHeader(json, chunk._id, ObjectValue, chunk._created, chunk._model);
        json.WriteStartArray(OpenAIJsonWriter.ChoicesName);
        if (chunk._hasChoice)
        {
            json.WriteStartObject();
            json.WriteNumber(OpenAIJsonWriter.IndexName, 0);
            json.WriteStartObject(DeltaName);
            if (chunk._role is not null)
            {
                json.WriteString(OpenAIJsonWriter.RoleName, chunk._role);
            }

            if (chunk._content is not null)
            {
                json.WriteString(OpenAIJsonWriter.ContentName, chunk._content);
            }

            if (chunk._toolCalls > 0)
            {
                // Most deltas carry none: no enumerator for them.
                OpenAIJsonWriter.WriteToolCalls(json, chunk._contents!, chunk._firstToolIndex);
            }

            json.WriteEndObject();
            if (chunk._finishReason is null)
            {
                json.WriteNull(OpenAIJsonWriter.FinishReasonName);
            }
            else
            {
                json.WriteString(OpenAIJsonWriter.FinishReasonName, chunk._finishReason);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        OpenAIJsonWriter.WriteUsage(json, chunk._usage);
        if (chunk._continuations > 0)
        {
            json.WriteStartObject(SwitchyardName);
            json.WriteBoolean(ContinuedName, true);
            json.WriteNumber(ContinuationsName, chunk._continuations);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}

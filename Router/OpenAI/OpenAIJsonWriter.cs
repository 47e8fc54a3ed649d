using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// What a whole answer (<see cref="ChatCompletionResult"/>) and a stream's chunk (<see cref="ChatCompletionChunk"/>)
/// write alike: the header members, the tool calls and the usage, with their member names encoded once.
/// </summary>
internal static class OpenAIJsonWriter
{
    public static readonly JsonEncodedText ChoicesName = JsonEncodedText.Encode("choices");
    public static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("index");
    public static readonly JsonEncodedText RoleName = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText ContentName = JsonEncodedText.Encode("content");
    public static readonly JsonEncodedText FinishReasonName = JsonEncodedText.Encode("finish_reason");

    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText ObjectName = JsonEncodedText.Encode("object");
    private static readonly JsonEncodedText CreatedName = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText ToolCallsName = JsonEncodedText.Encode("tool_calls");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText FunctionValue = JsonEncodedText.Encode("function");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ArgumentsName = JsonEncodedText.Encode("arguments");
    private static readonly JsonEncodedText UsageName = JsonEncodedText.Encode("usage");
    private static readonly JsonEncodedText PromptTokensName = JsonEncodedText.Encode("prompt_tokens");
    private static readonly JsonEncodedText CompletionTokensName = JsonEncodedText.Encode("completion_tokens");
    private static readonly JsonEncodedText TotalTokensName = JsonEncodedText.Encode("total_tokens");

    /// <summary>Opens the object and writes <c>id</c>, <c>object</c>, <c>created</c> and <c>model</c>.</summary>
    public static void WriteHeader(Utf8JsonWriter json, string id, JsonEncodedText kind, long created, string model)
    {
        json.WriteStartObject();
        json.WriteString(IdName, id);
        json.WriteString(ObjectName, kind);
        json.WriteNumber(CreatedName, created);
        json.WriteString(ModelName, model);
    }

    /// <summary>
    /// <c>tool_calls</c>, the function calls among <paramref name="contents"/>, left out when there are none; a stream's
    /// entries are numbered on from <paramref name="firstIndex"/>, a whole answer's carry no index.
    /// </summary>
    public static void WriteToolCalls(Utf8JsonWriter json, IEnumerable<AIContent> contents, int? firstIndex)
    {
        var index = firstIndex;
        var started = false;
        foreach (var content in contents)
        {
            if (content is not FunctionCallContent call)
            {
                continue;
            }

            if (!started)
            {
                json.WriteStartArray(ToolCallsName);
                started = true;
            }

            WriteToolCall(json, call, index);
            index++;
        }

        if (started)
        {
            json.WriteEndArray();
        }
    }

    private static void WriteToolCall(Utf8JsonWriter json, FunctionCallContent call, int? index)
    {
        json.WriteStartObject();
        if (index is { } at)
        {
            json.WriteNumber(IndexName, at);
        }

        if (call.CallId is not null)
        {
            json.WriteString(IdName, call.CallId);
        }

        json.WriteString(TypeName, FunctionValue);
        json.WriteStartObject(FunctionValue);
        if (call.Name is not null)
        {
            json.WriteString(NameName, call.Name);
        }

        json.WriteString(ArgumentsName, ChatResponseMapper.SerializeArguments(call));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary><c>usage</c>, left out when no usage was reported.</summary>
    public static void WriteUsage(Utf8JsonWriter json, CompletionUsage? usage)
    {
        if (usage is null)
        {
            return;
        }

        json.WriteStartObject(UsageName);
        json.WriteNumber(PromptTokensName, usage.PromptTokens);
        json.WriteNumber(CompletionTokensName, usage.CompletionTokens);
        json.WriteNumber(TotalTokensName, usage.TotalTokens);
        json.WriteEndObject();
    }
}

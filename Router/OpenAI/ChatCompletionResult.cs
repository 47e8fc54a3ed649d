using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// A whole answer as a <c>chat.completion</c>, written straight to JSON (no response, choice and message objects
/// built to be serialized) into a pooled buffer and sent with its length in one write. The shape is OpenAI's,
/// <c>null</c> members left out except <c>content</c> and <c>finish_reason</c>: <c>{"id","object","created","model",
/// "choices":[{"index":0,"message":{"role":"assistant","content","tool_calls"},"finish_reason"}],"usage"}</c>.
/// </summary>
public sealed class ChatCompletionResult(string id, string model, DateTimeOffset created, ChatResponse answer) : IResult
{
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText ObjectName = JsonEncodedText.Encode("object");
    private static readonly JsonEncodedText ObjectValue = JsonEncodedText.Encode("chat.completion");
    private static readonly JsonEncodedText CreatedName = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText ChoicesName = JsonEncodedText.Encode("choices");
    private static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("index");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText RoleName = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText AssistantValue = JsonEncodedText.Encode("assistant");
    private static readonly JsonEncodedText ContentName = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText ToolCallsName = JsonEncodedText.Encode("tool_calls");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText FunctionValue = JsonEncodedText.Encode("function");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ArgumentsName = JsonEncodedText.Encode("arguments");
    private static readonly JsonEncodedText FinishReasonName = JsonEncodedText.Encode("finish_reason");
    private static readonly JsonEncodedText UsageName = JsonEncodedText.Encode("usage");
    private static readonly JsonEncodedText PromptTokensName = JsonEncodedText.Encode("prompt_tokens");
    private static readonly JsonEncodedText CompletionTokensName = JsonEncodedText.Encode("completion_tokens");
    private static readonly JsonEncodedText TotalTokensName = JsonEncodedText.Encode("total_tokens");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var body = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(body))
        {
            Write(json, id, model, created, answer);
        }

        var response = httpContext.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.WrittenSpan.Length;
        await response.BodyWriter.WriteAsync(body.WrittenMemory, httpContext.RequestAborted);
    }

    /// <param name="created">When the answer was made, from the Router's <see cref="TimeProvider"/>.</param>
    public static void Write(Utf8JsonWriter json, string id, string model, DateTimeOffset created, ChatResponse answer)
    {
        json.WriteStartObject();
        json.WriteString(IdName, id);
        json.WriteString(ObjectName, ObjectValue);
        json.WriteNumber(CreatedName, created.ToUnixTimeSeconds());
        json.WriteString(ModelName, model);
        json.WriteStartArray(ChoicesName);
        json.WriteStartObject();
        json.WriteNumber(IndexName, 0);
        json.WriteStartObject(MessageName);
        json.WriteString(RoleName, AssistantValue);
        if (answer.Text is { Length: > 0 } text)
        {
            json.WriteString(ContentName, text);
        }
        else
        {
            json.WriteNull(ContentName);
        }

        WriteToolCalls(json, answer.Messages);
        json.WriteEndObject();
        json.WriteString(FinishReasonName, ChatResponseMapper.FinishReason(answer.FinishReason) ?? "stop");
        json.WriteEndObject();
        json.WriteEndArray();
        if (ChatResponseMapper.ToUsage(answer.Usage) is { } usage)
        {
            json.WriteStartObject(UsageName);
            json.WriteNumber(PromptTokensName, usage.PromptTokens);
            json.WriteNumber(CompletionTokensName, usage.CompletionTokens);
            json.WriteNumber(TotalTokensName, usage.TotalTokens);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteToolCalls(Utf8JsonWriter json, IList<ChatMessage> messages)
    {
        var started = false;
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
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

                json.WriteStartObject();
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
        }

        if (started)
        {
            json.WriteEndArray();
        }
    }
}

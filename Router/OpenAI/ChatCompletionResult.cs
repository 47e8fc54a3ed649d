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
    private static readonly JsonEncodedText ObjectValue = JsonEncodedText.Encode("chat.completion");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText AssistantValue = JsonEncodedText.Encode("assistant");

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
        OpenAIJsonWriter.WriteHeader(json, id, ObjectValue, created.ToUnixTimeSeconds(), model);
        json.WriteStartArray(OpenAIJsonWriter.ChoicesName);
        json.WriteStartObject();
        json.WriteNumber(OpenAIJsonWriter.IndexName, 0);
        json.WriteStartObject(MessageName);
        json.WriteString(OpenAIJsonWriter.RoleName, AssistantValue);
        if (answer.Text is { Length: > 0 } text)
        {
            json.WriteString(OpenAIJsonWriter.ContentName, text);
        }
        else
        {
            json.WriteNull(OpenAIJsonWriter.ContentName);
        }

        OpenAIJsonWriter.WriteToolCalls(json, answer.Messages.SelectMany(message => message.Contents), firstIndex: null);
        json.WriteEndObject();
        json.WriteString(OpenAIJsonWriter.FinishReasonName, ChatResponseMapper.FinishReason(answer.FinishReason) ?? "stop");
        json.WriteEndObject();
        json.WriteEndArray();
        OpenAIJsonWriter.WriteUsage(json, ChatResponseMapper.ToUsage(answer.Usage));
        json.WriteEndObject();
    }
}

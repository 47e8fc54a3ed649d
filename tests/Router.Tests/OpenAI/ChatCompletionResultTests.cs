using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>
/// A whole answer written by hand (<see cref="ChatCompletionResult.Write"/>) is byte for byte what serializing
/// OpenAI's <c>chat.completion</c> shape would give: the same members in the same order, nulls left out but
/// <c>content</c>'s and <c>finish_reason</c>'s, and the default encoder's escaping. The oracle builds that shape as
/// a <see cref="JsonObject"/>.
/// </summary>
public sealed class ChatCompletionResultTests
{
    [Fact]
    public void A_whole_answer_is_what_serializing_the_completion_shape_gives()
    {
        var reasons = Gen.OneOf(Gen.Const((ChatFinishReason?)null), Gen.Const((ChatFinishReason?)ChatFinishReason.Stop), Gen.Const((ChatFinishReason?)ChatFinishReason.Length),
            Gen.Const((ChatFinishReason?)ChatFinishReason.ToolCalls), Gen.Const((ChatFinishReason?)ChatFinishReason.ContentFilter), ChatCompletionChunkTests.Text.Select(t => (ChatFinishReason?)new ChatFinishReason(t + "x")));
        var usages = Gen.Frequency((1, Gen.Const((UsageDetails?)null)),
            (3, Gen.Select(Gen.Long[0, 1_000_000], Gen.Long[0, 1_000_000], Gen.Bool).Select((i, o, total) => (UsageDetails?)new UsageDetails { InputTokenCount = i, OutputTokenCount = o, TotalTokenCount = total ? i + o + 1 : null })));
        var messages = ChatCompletionChunkTests.Content.List[0, 4].Select(contents => new ChatMessage(ChatRole.Assistant, contents)).List[1, 2];

        Gen.Select(Gen.Select(ChatCompletionChunkTests.Text, Gen.Long[0, 253_402_300_799], ChatCompletionChunkTests.Text), messages, reasons, usages).Sample((header, answer, reason, usage) =>
        {
            var (id, seconds, model) = header;
            var response = new ChatResponse(answer) { FinishReason = reason, Usage = usage };
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                ChatCompletionResult.Write(json, id, model, DateTimeOffset.FromUnixTimeSeconds(seconds), response);
            }

            var message = new JsonObject { ["role"] = "assistant", ["content"] = response.Text is { Length: > 0 } text ? text : null };
            var calls = new JsonArray();
            foreach (var call in answer.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
            {
                calls.Add(new JsonObject
                {
                    ["id"] = call.CallId,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = ChatResponseMapper.SerializeArguments(call) },
                });
            }

            if (calls.Count > 0)
            {
                message["tool_calls"] = calls;
            }

            var expected = new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = seconds,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = ChatResponseMapper.FinishReason(reason) ?? "stop" }),
            };
            if (usage is not null)
            {
                expected["usage"] = new JsonObject
                {
                    ["prompt_tokens"] = usage.InputTokenCount,
                    ["completion_tokens"] = usage.OutputTokenCount,
                    ["total_tokens"] = usage.TotalTokenCount ?? usage.InputTokenCount + usage.OutputTokenCount,
                };
            }

            Assert.Equal(expected.ToJsonString(), System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }, iter: 2_000);
    }
}

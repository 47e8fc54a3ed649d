using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>
/// A chunk written by hand (<see cref="ChatCompletionChunk.Write"/>) is byte for byte what serializing OpenAI's
/// chunk shape would give: the same members in the same order, nulls left out but <c>finish_reason</c>'s, and
/// the default encoder's escaping. The oracle builds that shape as a <see cref="JsonObject"/>.
/// </summary>
public sealed class ChatCompletionChunkTests
{
    // Valid UTF-16 only (a pair as an emoji): a lone surrogate fails any JSON writer, the old serializer's as this one.
    internal static readonly Gen<string> Text = Gen.Select(
        Gen.String[Gen.OneOf(Gen.Char['a', 'z'], Gen.OneOf('"', '\\', '\n', '\u0001', '<', '&', '\'', '+', 'é', '中', '\u2028'), Gen.Char['\u0080', '\uD7FF'], Gen.Char['\uE000', '\uFFFF']), 0, 40],
        Gen.OneOf(Gen.Const(""), Gen.Const("\U0001F600"))).Select((text, emoji) => text + emoji);

    private static readonly Gen<string?> MaybeText = Gen.Frequency((1, Gen.Const((string?)null)), (3, Text.Select(t => (string?)t)));

    internal static readonly Gen<AIContent> Content = Gen.OneOf(
        Text.Select(t => (AIContent)new TextContent(t)),
        Gen.Select(Text, Text, Gen.Dictionary(Gen.String[Gen.Char['a', 'e'], 1, 3], Gen.Int.Select(i => (object?)i))[0, 3])
            .Select((id, name, arguments) => (AIContent)new FunctionCallContent(id, name, arguments)));

    private static readonly Gen<CompletionUsage?> Usage = Gen.Frequency((1, Gen.Const((CompletionUsage?)null)),
        (3, Gen.Select(Gen.Long[0, 1_000_000], Gen.Long[0, 1_000_000]).Select((i, o) => (CompletionUsage?)new CompletionUsage { PromptTokens = i, CompletionTokens = o, TotalTokens = i + o })));

    [Fact]
    public void A_delta_is_what_serializing_the_chunk_shape_gives()
    {
        Gen.Select(Gen.Select(Text, Gen.Long[0, long.MaxValue], Text), MaybeText, MaybeText, Content.List[0, 4], Gen.Int[0, 50], MaybeText, Gen.Int[0, 3]).Sample(
            (header, role, content, contents, firstTool, finish, continuations) =>
            {
                var (id, created, model) = header;
                var chunk = ChatCompletionChunk.Delta(id, created, model, role, content, contents, firstTool, finish, continuations);
                var written = Write(chunk);

                var delta = new JsonObject();
                if (role is not null)
                {
                    delta["role"] = role;
                }

                if (content is not null)
                {
                    delta["content"] = content;
                }

                var index = firstTool;
                var calls = new JsonArray();
                foreach (var call in contents.OfType<FunctionCallContent>())
                {
                    calls.Add(new JsonObject
                    {
                        ["index"] = index++,
                        ["id"] = call.CallId,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = ChatResponseMapper.SerializeArguments(call) },
                    });
                }

                if (calls.Count > 0)
                {
                    delta["tool_calls"] = calls;
                }

                var expected = Header(id, created, model);
                expected["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish });
                Note(expected, continuations);

                Assert.Equal(expected.ToJsonString(), written);
                Assert.Equal(calls.Count, chunk.ToolCalls);
            }, iter: 2_000);
    }

    [Fact]
    public void A_usage_chunk_is_what_serializing_the_chunk_shape_gives()
    {
        Gen.Select(Text, Gen.Long[0, long.MaxValue], Text, Usage, Gen.Int[0, 3]).Sample((id, created, model, usage, continuations) =>
        {
            var written = Write(ChatCompletionChunk.Usage(id, created, model, usage, continuations));

            var expected = Header(id, created, model);
            expected["choices"] = new JsonArray();
            if (usage is not null)
            {
                expected["usage"] = new JsonObject { ["prompt_tokens"] = usage.PromptTokens, ["completion_tokens"] = usage.CompletionTokens, ["total_tokens"] = usage.TotalTokens };
            }

            Note(expected, continuations);
            Assert.Equal(expected.ToJsonString(), written);
        }, iter: 1_000);
    }

    private static JsonObject Header(string id, long created, string model) =>
        new() { ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = model };

    private static void Note(JsonObject chunk, int continuations)
    {
        if (continuations > 0)
        {
            chunk["switchyard"] = new JsonObject { ["continued"] = true, ["continuations"] = continuations };
        }
    }

    private static string Write(ChatCompletionChunk chunk)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            ChatCompletionChunk.Write(json, chunk);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// A Converse conversation that ends on an assistant message prefills the answer, as Claude on Bedrock
/// does: the emulator continues the answer the conversation without it gets, and counts only the rest as output.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class ConversePrefillTests(EmulatorHost host) : EmulatorTest(host)
{
    private const string Question = "Name three rivers in Europe.";

    [Theory]
    [InlineData(12)]
    [InlineData(37)]
    [InlineData(70)]
    public async Task Converse_continues_an_answer_from_its_prefix(int prefixChars)
    {
        using var client = Host.SignedClient("us-east-1");
        var (whole, wholeTokens, wholeInput, _) = await ReadAsync(ConverseAsync(client, Haiku, Body(Question, maxTokens: 1000)));
        var prefix = whole[..prefixChars].TrimEnd();

        var (rest, restTokens, input, stop) = await ReadAsync(ConverseAsync(client, Haiku, Prefilled(prefix, 1000)));

        Assert.Equal(whole, prefix + rest);
        Assert.Equal("end_turn", stop);
        Assert.Equal(wholeTokens, restTokens + (prefix.Length + 3) / 4);
        Assert.Equal(wholeInput + (prefix.Length + 3) / 4, input); // the prefill is prompt
    }

    [Fact]
    public async Task ConverseStream_streams_the_rest_of_the_answer_and_counts_it()
    {
        using var client = Host.SignedClient("us-east-1");
        var wholeFrames = await FramesAsync(await ConverseAsync(client, "us." + Sonnet, Body(Question, maxTokens: 1000), stream: true));
        var whole = Text(wholeFrames);
        var wholeTokens = OutputTokens(wholeFrames);
        // A stream cut after a few whole deltas (12 characters, 3 tokens each), not after a space (which a prefill may not end on).
        var deltas = Enumerable.Range(2, 5).First(n => !char.IsWhiteSpace(whole[(n * 12) - 1]));
        var prefix = whole[..(deltas * 12)];

        var frames = await FramesAsync(await ConverseAsync(client, "us." + Sonnet, Prefilled(prefix, 1000), stream: true));

        Assert.Equal(whole, prefix + Text(frames));
        Assert.Equal(wholeTokens - (deltas * 3), OutputTokens(frames));
        Assert.Equal("end_turn", Payload(frames[^2]).GetProperty("stopReason").GetString());
        // The invocation log (and so the quota) counts the new tokens only.
        var last = await Host.Admin.GetFromJsonAsync<JsonElement[]>("/admin/invocations?limit=1");
        Assert.Equal(wholeTokens - (deltas * 3), Assert.Single(last!).GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Max_tokens_counts_the_new_tokens_only()
    {
        using var client = Host.SignedClient("us-east-2");
        var (whole, _, _, wholeStop) = await ReadAsync(ConverseAsync(client, Haiku, Body(Question, maxTokens: 15)));
        var prefix = whole[..24];
        Assert.False(char.IsWhiteSpace(prefix[^1]));

        var (rest, restTokens, _, stop) = await ReadAsync(ConverseAsync(client, Haiku, Prefilled(prefix, 15 - 6)));

        Assert.Equal("max_tokens", wholeStop);
        Assert.Equal(whole, prefix + rest);
        Assert.Equal(9, restTokens);
        Assert.Equal("max_tokens", stop);
    }

    [Fact]
    public async Task A_prefill_that_does_not_begin_the_answer_gets_an_answer_of_its_own()
    {
        using var client = Host.SignedClient("us-east-1");
        var (whole, _, _, _) = await ReadAsync(ConverseAsync(client, Haiku, Body(Question, maxTokens: 1000)));

        var (answer, tokens, _, _) = await ReadAsync(ConverseAsync(client, Haiku, Prefilled("Something else entirely", 1000)));

        Assert.NotEqual(whole, answer);
        Assert.False(whole.EndsWith(answer, StringComparison.Ordinal));
        Assert.Equal((answer.Length + 3) / 4, tokens);
    }

    [Fact]
    public async Task A_prefill_ending_in_whitespace_is_refused_as_Bedrock_does()
    {
        using var client = Host.SignedClient("us-east-1");

        using var response = await ConverseAsync(client, Haiku, Prefilled("The Danube ", 100));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", ErrorType(response));
        Assert.Contains("trailing whitespace", await response.Content.ReadAsStringAsync());
    }

    private static object Prefilled(string prefix, int maxTokens) => new
    {
        messages = new[]
        {
            new { role = "user", content = new[] { new { text = Question } } },
            new { role = "assistant", content = new[] { new { text = prefix } } },
        },
        inferenceConfig = new { maxTokens },
    };

    private static async Task<(string Text, int OutputTokens, int InputTokens, string StopReason)> ReadAsync(Task<HttpResponseMessage> call)
    {
        using (var response = await call)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            var usage = answer.GetProperty("usage");
            return (answer.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString()!,
                usage.GetProperty("outputTokens").GetInt32(), usage.GetProperty("inputTokens").GetInt32(), answer.GetProperty("stopReason").GetString()!);
        }
    }

    private static string Text(List<Amazon.Runtime.EventStreams.EventStreamMessage> frames) =>
        string.Concat(frames.Where(f => Header(f, ":event-type") == "contentBlockDelta").Select(f => Payload(f).GetProperty("delta").GetProperty("text").GetString()));

    private static int OutputTokens(List<Amazon.Runtime.EventStreams.EventStreamMessage> frames) =>
        Payload(frames[^1]).GetProperty("usage").GetProperty("outputTokens").GetInt32();
}

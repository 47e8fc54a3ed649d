using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Switchyard.Router.Tests.Continuation;

/// <summary>
/// A stream that stalls after its first tokens is continued like one that fails: scripted deployments of
/// one model in two geographies ("us." and "eu." profiles of the same model), the first going silent.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class StalledStreamContinuationTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync()
    {
        host.Upstream.Streams.Clear();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_stalled_stream_is_continued_elsewhere_and_whitespace_the_client_has_is_not_repeated()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Upstream.Streams["us.model-stall"] = cancellation => ScriptedProvider.Stall("The answer ", stalled, cancellation);
        // The continuation starts again with the space the prefill could not end on.
        host.Upstream.Streams["eu.model-stall"] = _ => Updates(
            new ChatResponseUpdate(ChatRole.Assistant, " is forty"),
            new ChatResponseUpdate(ChatRole.Assistant, "-two."),
            new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { FinishReason = ChatFinishReason.Stop });
        await using var router = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routing:Timeouts:StreamIdle"] = "00:00:01",
            ["Routing:Deployments:stall-us:Provider"] = "scripted",
            ["Routing:Deployments:stall-us:Account"] = "a",
            ["Routing:Deployments:stall-us:Model"] = "us.model-stall",
            ["Routing:Deployments:stall-eu:Provider"] = "scripted",
            ["Routing:Deployments:stall-eu:Account"] = "a",
            ["Routing:Deployments:stall-eu:Model"] = "eu.model-stall",
            ["Routing:ModelGroups:stalling:Deployments:0"] = "stall-us",
            ["Routing:ModelGroups:stalling:Deployments:1"] = "stall-eu",
            ["Routing:ModelGroups:stalling:ContinueStreams"] = "true",
        })));
        using var client = router.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"stalling","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"What is the answer?"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(5)); // the silent upstream was cancelled
        var text = string.Concat(System.Text.RegularExpressions.Regex.Matches(body, "\"content\":\"([^\"]*)\"").Select(m => m.Groups[1].Value));
        Assert.Equal("The answer is forty-two.", text);
        Assert.Contains("\"switchyard\":{\"continued\":true,\"continuations\":1}", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Equal(["us.model-stall", "eu.model-stall"], host.Upstream.Calls);
    }


    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }
}

using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>
/// When a streamed answer's events go out: a burst of updates already at hand in one send, and every event
/// before the stream waits for the upstream. Counted at the response's <see cref="PipeWriter"/>: each flush is
/// one write to the socket.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class StreamFlushTests(RouterHost host) : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, CountingBody> Bodies = new();

    private WebApplicationFactory<Program> _counted = null!;

    public async Task InitializeAsync()
    {
        await host.ResetAsync();
        _counted = host.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddTransient<IStartupFilter, CountFlushes>()));
    }

    public async Task DisposeAsync() => await _counted.DisposeAsync();

    [Fact]
    public async Task Updates_already_at_hand_go_out_together_not_one_send_each()
    {
        var words = Enumerable.Range(0, 30).Select(i => $"w{i} ").ToArray();
        host.Upstream.Streams["model-east"] = _ => Ready(words);

        using var response = await StreamAsync(_counted.CreateClient());
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(string.Concat(words), Text(body));
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        // 30 events and [DONE] were 31 sends, one per event; at hand together, they are one.
        Assert.Equal(1, Bodies[response.Headers.GetValues("x-request-id").Single()].Flushes);
    }

    [Fact]
    public async Task Every_event_written_goes_out_before_the_stream_waits_for_the_upstream()
    {
        var more = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Upstream.Streams["model-east"] = cancellation => ThenWait(["a ", "b "], more.Task, "c", cancellation);

        // A real socket: what Kestrel sends is what the client reads.
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await StreamAsync(client);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // The upstream sends "c" only once the client has "b": a held event would wait here until the timeout.
        while (!seen.ToString().EndsWith("a b ", StringComparison.Ordinal))
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new Xunit.Sdk.XunitException($"the stream ended with {seen}");
            seen.Append(Text(line + "\n\n"));
        }
        more.SetResult();
        var rest = await reader.ReadToEndAsync(timeout.Token);

        Assert.Equal("a b c", seen + Text(rest));
    }

    private static async Task<HttpResponseMessage> StreamAsync(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"pair","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail(await response.Content.ReadAsStringAsync());
        }

        return response;
    }

    /// <summary>The content of every chunk in a piece of the event stream, concatenated.</summary>
    private static string Text(string events) => string.Concat(events.Split('\n')
        .Where(line => line.StartsWith("data: {", StringComparison.Ordinal))
        .Select(line => System.Text.Json.JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices"))
        .Where(choices => choices.GetArrayLength() > 0 && choices[0].GetProperty("delta").TryGetProperty("content", out _))
        .Select(choices => choices[0].GetProperty("delta").GetProperty("content").GetString()));

#pragma warning disable CS1998 // every update is at hand: nothing to await
    private static async IAsyncEnumerable<ChatResponseUpdate> Ready(string[] words)
    {
        foreach (var word in words)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { FinishReason = ChatFinishReason.Stop };
    }
#pragma warning restore CS1998

    private static async IAsyncEnumerable<ChatResponseUpdate> ThenWait(string[] first, Task more, string last, [EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (var word in first)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, word);
        }
        await more.WaitAsync(cancellation);
        yield return new ChatResponseUpdate(ChatRole.Assistant, last);
        yield return new ChatResponseUpdate(ChatRole.Assistant, (string?)null) { FinishReason = ChatFinishReason.Stop };
    }

    /// <summary>Puts a flush-counting body on every response, known by its request id.</summary>
    private sealed class CountFlushes : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                var body = new CountingBody(context.Features.Get<IHttpResponseBodyFeature>()!);
                context.Features.Set<IHttpResponseBodyFeature>(body);
                context.Response.OnStarting(() =>
                {
                    Bodies[context.Response.Headers["x-request-id"].ToString()] = body;
                    return Task.CompletedTask;
                });
                await following(context);
            });
            next(app);
        };
    }

    private sealed class CountingBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
    {
        private PipeWriter? _writer;
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public Stream Stream => inner.Stream;

        public PipeWriter Writer => _writer ??= new CountingWriter(inner.Writer, () => Interlocked.Increment(ref _flushes));

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            inner.SendFileAsync(path, offset, count, cancellationToken);

        public Task CompleteAsync() => inner.CompleteAsync();
    }

    private sealed class CountingWriter(PipeWriter inner, Action flushed) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            flushed();
            return inner.FlushAsync(cancellationToken);
        }
    }
}

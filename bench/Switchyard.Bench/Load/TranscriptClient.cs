using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Switchyard.Bench.Load;

/// <summary>
/// Streams chat answers and keeps their whole text (<see cref="StreamTranscript"/>), which the load
/// generator does not: it compares what a client received with an uncut answer to the same prompt.
/// Each request asks for the usage chunk (<c>stream_options.include_usage</c>) to compare token counts too.
/// </summary>
public sealed class TranscriptClient(Uri chatUri, string model, string apiKey, int maxTokens) : IDisposable
{
    private const string RegionHeader = "x-switchyard-region";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly HttpClient client = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false, UseCookies = false })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public async Task<StreamTranscript> ReadAsync(string prompt)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
            ["max_tokens"] = maxTokens,
            ["stream"] = true,
            ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, chatUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var region = response.Headers.TryGetValues(RegionHeader, out var values) ? values.FirstOrDefault() : null;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new StreamTranscript("", 0, false, region, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(deadline.Token)}");
            }

            return await ReadEventsAsync(response, region, deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new StreamTranscript("", 0, false, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task<StreamTranscript> ReadEventsAsync(HttpResponseMessage response, string? region, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var text = new StringBuilder();
        var tokens = 0;
        var done = false;
        string? error = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                done = true;
                continue;
            }

            using var chunk = JsonDocument.Parse(data.ToString());
            var root = chunk.RootElement;
            if (root.TryGetProperty("error", out var problem))
            {
                error ??= problem.ToString();
                continue;
            }

            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("completion_tokens", out var completion))
            {
                tokens = completion.GetInt32();
            }

            if (root.TryGetProperty("choices", out var choices))
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                    {
                        text.Append(content.GetString());
                    }
                }
            }
        }

        return new StreamTranscript(text.ToString(), tokens, done && error is null, region, error ?? (done ? null : "ended without [DONE]"));
    }

    public void Dispose() => client.Dispose();
}

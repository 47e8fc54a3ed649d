using System.Text.Json;
using Switchyard.Tests.Fuzz;
using Xunit.Abstractions;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Throws generated and mutated requests (<see cref="ChatRequestGen"/>) at the Router and asserts what
/// issue 13 asks of hostile input: no answer is a 5xx, every error body is OpenAI's shape, and so is every
/// error event of a stream. The Router runs in memory over <see cref="RouterHost"/>'s real store and
/// scripted upstreams. The seed is fixed, so a failure names a case that reproduces; the number of
/// cases is <c>SWITCHYARD_FUZZ_CASES</c> (<see cref="FuzzRunner"/>).
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
[Trait("Category", "Fuzz")]
public sealed class RouterFuzzTests(RouterHost host, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Case i is generated from PCG(Stream, Seed + i): the same cases on every run and machine.</summary>
    private const uint Stream = 13;

    private const ulong Seed = 20_260_101;

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Generated_and_mutated_requests_never_get_a_5xx_and_every_error_is_in_openai_shape()
    {
        // In memory (TestServer), not over the host's loopback socket: a request refused before its body is
        // read (401, 413) may have its connection closed while a socket client is still sending, which
        // would be the harness failing, not the Router.
        await using var app = host.WithWebHostBuilder(_ => { });
        using var client = app.Server.CreateClient();

        var report = await FuzzRunner.RunAsync(Stream, Seed, new ChatRequestGen(), (fuzz, cancellation) => SendAsync(client, fuzz, cancellation));

        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.FailureReport);
        // The generator must reach every layer: refusals of each kind and requests that were served.
        Assert.All(new[] { 200, 400, 401, 404, 413 }, status => Assert.True(report.Statuses.ContainsKey(status), $"no case answered {status}"));
    }

    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, FuzzCase fuzz, CancellationToken cancellation)
    {
        using var request = fuzz.ToRequest("/v1/chat/completions");
        using var response = await client.SendAsync(request, cancellation);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            switch (status)
            {
                case >= 500:
                    return (status, $"answered {status}: {body}");
                case >= 400:
                    OpenAIError.Parse(body);
                    break;
                case 200 when response.Content.Headers.ContentType?.MediaType == "text/event-stream":
                    CheckStream(body);
                    break;
                case 200:
                    using (var completion = JsonDocument.Parse(body))
                    {
                        _ = completion.RootElement.GetProperty("choices")[0].GetProperty("message");
                    }

                    break;
                default:
                    return (status, $"answered {status}: {body}");
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            return (status, $"answered {status} with a body out of shape ({e.Message}): {body}");
        }

        return (status, null);
    }

    /// <summary>Every event is a chunk or an OpenAI-shaped error, and the stream ends with [DONE] or that error.</summary>
    private static void CheckStream(string body)
    {
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        foreach (var item in events)
        {
            if (!item.StartsWith("data: ", StringComparison.Ordinal))
            {
                throw new FormatException($"not an SSE data event: {item}");
            }

            var data = item["data: ".Length..];
            if (data == "[DONE]")
            {
                continue;
            }

            using var chunk = JsonDocument.Parse(data);
            if (chunk.RootElement.TryGetProperty("error", out _))
            {
                OpenAIError.Parse(data);
            }
            else
            {
                _ = chunk.RootElement.GetProperty("choices");
            }
        }

        if (events is not [.., "data: [DONE]"] && !events[^1].Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new FormatException("the stream ends with neither [DONE] nor an error event");
        }
    }
}

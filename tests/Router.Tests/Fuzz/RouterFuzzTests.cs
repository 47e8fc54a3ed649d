using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Throws generated and mutated requests (<see cref="ChatRequestGen"/>) at the Router and asserts what
/// issue 13 asks of hostile input: no answer is a 5xx, every error body is OpenAI's shape, and so is every
/// error event of a stream. The Router runs in memory over <see cref="RouterHost"/>'s real store and
/// scripted upstreams. The seed is fixed, so a failure names a case that reproduces; the number of
/// cases is <c>SWITCHYARD_FUZZ_CASES</c> (<see cref="Switchyard.Tests.Fuzz.FuzzRunner"/>).
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
    public Task Generated_and_mutated_requests_never_get_a_5xx_and_every_error_is_in_openai_shape() =>
        DoorFuzz.RunAsync(host, output, Stream, Seed, new ChatRequestGen(), "/v1/chat/completions", Check, 200, 400, 401, 404, 413);

    private static string? Check(HttpResponseMessage response, byte[] content)
    {
        var status = (int)response.StatusCode;
        var body = Encoding.UTF8.GetString(content);
        switch (status)
        {
            case >= 500:
                return $"answered {status}: {body}";
            case >= 400:
                OpenAIError.Parse(body);
                return null;
            case 200 when response.Content.Headers.ContentType?.MediaType == "text/event-stream":
                CheckStream(body);
                return null;
            case 200:
                using (var completion = JsonDocument.Parse(body))
                {
                    _ = completion.RootElement.GetProperty("choices")[0].GetProperty("message");
                }

                return null;
            default:
                return $"answered {status}: {body}";
        }
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

using System.Text.Json;
using Switchyard.Router.Tests.BedrockRuntime;
using Switchyard.Tests.Fuzz;
using Xunit.Abstractions;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Throws generated and mutated Converse requests (<see cref="ConverseRequestGen"/>) and InvokeModel requests
/// (<see cref="InvokeRequestGen"/>) at the Bedrock door: no answer is a 5xx, every error is Bedrock's
/// (<c>x-amzn-ErrorType</c> and <c>{"message"}</c>), every answer has its operation's shape, and every stream is
/// whole event-stream frames ending in <c>metadata</c> (for InvokeModel, chunks of JSON events, the last with the
/// invocation metrics) or an exception event. Fixed seed; <c>SWITCHYARD_FUZZ_CASES</c> cases (<see cref="FuzzRunner"/>).
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
[Trait("Category", "Fuzz")]
public sealed class BedrockDoorFuzzTests(RouterHost host, ITestOutputHelper output) : IAsyncLifetime
{
    private const uint Stream = 15;

    private const uint InvokeStream = 16;

    private const ulong Seed = 20_261_203;

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Generated_and_mutated_converse_requests_never_get_a_5xx_and_every_error_is_in_Bedrock_shape()
    {
        // In memory, as RouterFuzzTests and for its reason.
        await using var app = host.WithWebHostBuilder(_ => { });
        using var client = app.Server.CreateClient();

        var report = await FuzzRunner.RunAsync(Stream, Seed, new ConverseRequestGen(), (fuzz, cancellation) => SendAsync(client, fuzz, cancellation));

        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.FailureReport);
        Assert.All(new[] { 200, 400, 403, 404 }, status => Assert.True(report.Statuses.ContainsKey(status), $"no case answered {status}"));
    }

    [Fact]
    public async Task Generated_and_mutated_invoke_requests_never_get_a_5xx_and_every_error_is_in_Bedrock_shape()
    {
        await using var app = host.WithWebHostBuilder(_ => { });
        using var client = app.Server.CreateClient();

        var report = await FuzzRunner.RunAsync(InvokeStream, Seed, new InvokeRequestGen(), (fuzz, cancellation) => SendAsync(client, fuzz, cancellation));

        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.FailureReport);
        Assert.All(new[] { 200, 400, 404 }, status => Assert.True(report.Statuses.ContainsKey(status), $"no case answered {status}"));
    }

    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, FuzzCase fuzz, CancellationToken cancellation)
    {
        using var request = fuzz.ToRequest("/model/pair/converse");
        using var response = await client.SendAsync(request, cancellation);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(cancellation);
        var text = System.Text.Encoding.UTF8.GetString(body);
        try
        {
            switch (status)
            {
                case >= 500:
                    return (status, $"answered {status}: {text}");
                case >= 400:
                    if (!response.Headers.TryGetValues("x-amzn-ErrorType", out var types) || !types.Single().EndsWith("Exception", StringComparison.Ordinal))
                    {
                        return (status, $"answered {status} without x-amzn-ErrorType: {text}");
                    }

                    using (var error = JsonDocument.Parse(body))
                    {
                        _ = error.RootElement.GetProperty("message").GetString();
                    }

                    break;
                case 200 when response.Content.Headers.ContentType?.MediaType == "application/vnd.amazon.eventstream" && fuzz.Path.Contains("/invoke", StringComparison.Ordinal):
                    var chunks = ConverseDoorTests.Frames(body);
                    if (chunks.Any(f => f is not ("event", "chunk", _) and not ("exception", _, _))
                        || chunks is [.., ("event", _, var last)] && !LastEvent(last).TryGetProperty("amazon-bedrock-invocationMetrics", out _))
                    {
                        return (status, $"an invoke stream of {string.Join(", ", chunks.Select(f => f.Type))}");
                    }

                    break;
                case 200 when response.Content.Headers.ContentType?.MediaType == "application/vnd.amazon.eventstream":
                    var frames = ConverseDoorTests.Frames(body);
                    if (frames is not [("event", "messageStart", _), .., ("event", "metadata", _) or ("exception", _, _)])
                    {
                        return (status, $"a stream of {string.Join(", ", frames.Select(f => f.Type))}");
                    }

                    break;
                case 200:
                    using (var answer = JsonDocument.Parse(body))
                    {
                        // Claude's InvokeModel answer is Anthropic's message; Nova's and Converse's have an output message.
                        _ = answer.RootElement.TryGetProperty("type", out var type) && type.GetString() == "message"
                            ? answer.RootElement.GetProperty("content").EnumerateArray().Count()
                            : answer.RootElement.GetProperty("output").GetProperty("message").GetProperty("content").EnumerateArray().Count();
                    }

                    break;
                default:
                    return (status, $"answered {status}: {text}");
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException
            or ArgumentException or Amazon.Runtime.EventStreams.EventStreamChecksumFailureException)
        {
            return (status, $"answered {status} with a body out of shape ({e.Message}): {text}");
        }

        return (status, null);
    }

    /// <summary>The model family's event a chunk carries: its <c>bytes</c>, base64-decoded, as JSON.</summary>
    private static JsonElement LastEvent(JsonElement chunk) => JsonDocument.Parse(chunk.GetProperty("bytes").GetBytesFromBase64()).RootElement.Clone();
}

using System.Text.Json;
using Switchyard.Router.Tests.BedrockRuntime;
using Xunit.Abstractions;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Throws generated and mutated Converse requests (<see cref="ConverseRequestGen"/>) and InvokeModel requests
/// (<see cref="InvokeRequestGen"/>) at the Bedrock door: no answer is a 5xx, every error is Bedrock's
/// (<c>x-amzn-ErrorType</c> and <c>{"message"}</c>), every answer has its operation's shape, and every stream is
/// whole event-stream frames ending in <c>metadata</c> (for InvokeModel, chunks of JSON events, the last with the
/// invocation metrics) or an exception event. Fixed seed; <c>SWITCHYARD_FUZZ_CASES</c> cases (<see cref="Switchyard.Tests.Fuzz.FuzzRunner"/>).
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
    public Task Generated_and_mutated_converse_requests_never_get_a_5xx_and_every_error_is_in_Bedrock_shape() =>
        DoorFuzz.RunAsync(host, output, Stream, Seed, new ConverseRequestGen(), "/model/pair/converse", Check, 200, 400, 403, 404);

    [Fact]
    public Task Generated_and_mutated_invoke_requests_never_get_a_5xx_and_every_error_is_in_Bedrock_shape() =>
        DoorFuzz.RunAsync(host, output, InvokeStream, Seed, new InvokeRequestGen(), "/model/pair/converse", Check, 200, 400, 404);

    private static string? Check(HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        switch (status)
        {
            case >= 500:
                return $"answered {status}: {System.Text.Encoding.UTF8.GetString(body)}";
            case >= 400:
                if (!response.Headers.TryGetValues("x-amzn-ErrorType", out var types) || !types.Single().EndsWith("Exception", StringComparison.Ordinal))
                {
                    return $"answered {status} without x-amzn-ErrorType: {System.Text.Encoding.UTF8.GetString(body)}";
                }

                using (var error = JsonDocument.Parse(body))
                {
                    _ = error.RootElement.GetProperty("message").GetString();
                }

                return null;
            case 200 when response.Content.Headers.ContentType?.MediaType == "application/vnd.amazon.eventstream" && IsInvoke(response):
                var chunks = ConverseDoorTests.Frames(body);
                return chunks.Any(f => f is not ("event", "chunk", _) and not ("exception", _, _))
                    || chunks is [.., ("event", _, var last)] && !LastEvent(last).TryGetProperty("amazon-bedrock-invocationMetrics", out _)
                    ? $"an invoke stream of {string.Join(", ", chunks.Select(f => f.Type))}"
                    : null;
            case 200 when response.Content.Headers.ContentType?.MediaType == "application/vnd.amazon.eventstream":
                var frames = ConverseDoorTests.Frames(body);
                return frames is [("event", "messageStart", _), .., ("event", "metadata", _) or ("exception", _, _)]
                    ? null
                    : $"a stream of {string.Join(", ", frames.Select(f => f.Type))}";
            case 200:
                using (var answer = JsonDocument.Parse(body))
                {
                    // Claude's InvokeModel answer is Anthropic's message; Nova's and Converse's have an output message.
                    _ = answer.RootElement.TryGetProperty("type", out var type) && type.GetString() == "message"
                        ? answer.RootElement.GetProperty("content").EnumerateArray().Count()
                        : answer.RootElement.GetProperty("output").GetProperty("message").GetProperty("content").EnumerateArray().Count();
                }

                return null;
            default:
                return $"answered {status}: {System.Text.Encoding.UTF8.GetString(body)}";
        }
    }

    private static bool IsInvoke(HttpResponseMessage response) =>
        response.RequestMessage?.RequestUri?.AbsolutePath.Contains("/invoke", StringComparison.Ordinal) == true;

    private static JsonElement LastEvent(JsonElement chunk) => JsonDocument.Parse(chunk.GetProperty("bytes").GetBytesFromBase64()).RootElement.Clone();
}

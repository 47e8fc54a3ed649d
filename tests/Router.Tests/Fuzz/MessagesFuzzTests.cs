using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Throws generated and mutated Messages requests (<see cref="MessagesRequestGen"/>) at the Router's Anthropic
/// door: no answer is a 5xx, every error body is Anthropic's shape, every stream is Anthropic's event sequence
/// ending in message_stop or an error event. Fixed seed, as <see cref="RouterFuzzTests"/>.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
[Trait("Category", "Fuzz")]
public sealed class MessagesFuzzTests(RouterHost host, ITestOutputHelper output) : IAsyncLifetime
{
    private const uint Stream = 15;

    private const ulong Seed = 20_261_203;

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Generated_and_mutated_messages_requests_never_get_a_5xx_and_every_error_is_in_anthropic_shape() =>
        DoorFuzz.RunAsync(host, output, Stream, Seed, new MessagesRequestGen(), "/v1/messages", Check, 200, 400, 401, 404, 413);

    private static string? Check(HttpResponseMessage response, byte[] content)
    {
        var status = (int)response.StatusCode;
        var body = Encoding.UTF8.GetString(content);
        switch (status)
        {
            case >= 500 and not 529:
                return $"answered {status}: {body}";
            case >= 400:
                CheckError(body);
                return null;
            case 200 when response.Content.Headers.ContentType?.MediaType == "text/event-stream":
                CheckStream(body);
                return null;
            case 200:
                using (var answer = JsonDocument.Parse(body))
                {
                    _ = answer.RootElement.TryGetProperty("input_tokens", out _) ? default : answer.RootElement.GetProperty("content");
                }

                return null;
            default:
                return $"answered {status}: {body}";
        }
    }

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>, both strings.</summary>
    private static void CheckError(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("type").GetString() != "error"
            || root.GetProperty("error").GetProperty("type").GetString() is not { Length: > 0 }
            || root.GetProperty("error").GetProperty("message").GetString() is not { Length: > 0 })
        {
            throw new FormatException("not an Anthropic error");
        }
    }

    private static void CheckStream(string body)
    {
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        foreach (var item in events)
        {
            var lines = item.Split('\n');
            if (lines is not [var name, var data] || !name.StartsWith("event: ", StringComparison.Ordinal) || !data.StartsWith("data: ", StringComparison.Ordinal))
            {
                throw new FormatException($"not an SSE event with a name and data: {item}");
            }

            var json = data["data: ".Length..];
            if (name == "event: error")
            {
                CheckError(json);
                continue;
            }

            using var document = JsonDocument.Parse(json);
            if (document.RootElement.GetProperty("type").GetString() != name["event: ".Length..])
            {
                throw new FormatException($"the event's data names another type: {item}");
            }
        }

        if (events is not [var first, ..] || !first.StartsWith("event: message_start", StringComparison.Ordinal)
            || !(events[^1].StartsWith("event: message_stop", StringComparison.Ordinal) || events[^1].StartsWith("event: error", StringComparison.Ordinal)))
        {
            throw new FormatException("the stream does not start with message_start and end with message_stop or an error");
        }
    }
}

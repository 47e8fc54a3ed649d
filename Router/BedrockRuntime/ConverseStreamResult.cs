using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Providers.Bedrock;
using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// A routed stream as ConverseStream's events, written through an <see cref="IConverseEventSink"/> (event-stream
/// frames for ConverseStream, chunks for Nova's InvokeModelWithResponseStream): <c>messageStart</c>, per content block
/// <c>contentBlockStart</c> (tool use) / <c>contentBlockDelta</c> / <c>contentBlockStop</c>, <c>messageStop</c>
/// and <c>metadata</c> with usage and latency, each frame flushed as it is written. However the stream ends
/// otherwise, a client still listening gets an in-stream exception event (Bedrock's
/// <c>modelStreamErrorException</c>, <c>throttlingException</c>…) as the last frame, never a silent
/// truncation. The request's lifetime is ended here either way.
/// </summary>
internal sealed class ConverseStreamResult(RoutedStream stream, ChatRequestLifetime lifetime, long started, Func<HttpContext, IConverseEventSink> sinkFor) : IResult
{
    private static readonly Providers.Bedrock.ConverseJsonContext Json = Providers.Bedrock.ConverseJsonContext.Default;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var events = sinkFor(httpContext);
        var cancellation = httpContext.RequestAborted;
        var clock = httpContext.RequestServices.GetRequiredService<TimeProvider>();
        var index = 0;
        var textOpen = false;
        ChatFinishReason? finish = null;

        try
        {
            await events.EventAsync("messageStart", new MessageStartEvent { Role = "assistant" }, Json.MessageStartEvent, cancellation);
            for (var update = await stream.NextAsync(); update is not null; update = await stream.NextAsync())
            {
                finish = update.FinishReason ?? finish;
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            textOpen = true;
                            await events.EventAsync("contentBlockDelta",
                                new ContentBlockDeltaEvent { ContentBlockIndex = index, Delta = new ContentBlockDelta { Text = text.Text } }, Json.ContentBlockDeltaEvent, cancellation);
                            break;
                        case FunctionCallContent call:
                            if (textOpen)
                            {
                                await StopBlockAsync(events, index++, cancellation);
                                textOpen = false;
                            }

                            await events.EventAsync("contentBlockStart", new ContentBlockStartEvent
                            {
                                ContentBlockIndex = index,
                                Start = new ContentBlockStart { ToolUse = new ToolUseStart { ToolUseId = call.CallId, Name = call.Name } },
                            }, Json.ContentBlockStartEvent, cancellation);
                            await events.EventAsync("contentBlockDelta", new ContentBlockDeltaEvent
                            {
                                ContentBlockIndex = index,
                                Delta = new ContentBlockDelta { ToolUse = new ToolUseDelta { Input = ChatResponseMapper.SerializeArguments(call) } },
                            }, Json.ContentBlockDeltaEvent, cancellation);
                            await StopBlockAsync(events, index++, cancellation);
                            break;
                    }
                }
            }

            if (textOpen)
            {
                await StopBlockAsync(events, index, cancellation);
            }

            await events.EventAsync("messageStop", new MessageStopEvent { StopReason = ConverseAnswerMapper.StopReason(finish) }, Json.MessageStopEvent, cancellation);
            await events.EventAsync("metadata", new MetadataEvent
            {
                Usage = ConverseAnswerMapper.ToUsage(lifetime.ReportedUsage) ?? new TokenUsage(),
                Metrics = new ConverseMetrics { LatencyMs = (long)clock.GetElapsedTime(started).TotalMilliseconds },
            }, Json.MetadataEvent, cancellation);
            lifetime.Complete();
        }
        catch (Exception failure)
        {
            // Headers and events are out: the lifetime says what the client is told (nothing when it has gone).
            if (lifetime.Fail(failure) is { } error)
            {
                try
                {
                    await events.ExceptionAsync(BedrockError.From(error), cancellation);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // The client left while being told: the request has already ended with its outcome.
                }
            }
        }
    }

    private static Task StopBlockAsync(IConverseEventSink events, int index, CancellationToken cancellation) =>
        events.EventAsync("contentBlockStop", new ContentBlockStopEvent { ContentBlockIndex = index }, Json.ContentBlockStopEvent, cancellation);
}

using System.Text.Json;
using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Anthropic;

/// <summary>
/// A routed stream as Anthropic's Messages stream events, written through an <see cref="IMessagesEventSink"/>
/// (Server-Sent Events for the Anthropic door, event-stream chunks for the Bedrock door's InvokeModelWithResponseStream): <c>message_start</c>, <c>ping</c>, per content block
/// <c>content_block_start</c>, its deltas (<c>text_delta</c>, <c>input_json_delta</c>) and
/// <c>content_block_stop</c>, then <c>message_delta</c> with the stop reason and usage, and
/// <c>message_stop</c>; each written and flushed as it arrives. However the stream ends otherwise
/// (upstream failure, idle upstream, overall deadline, anything unexpected), a client still listening gets
/// the sink's error event and no <c>message_stop</c>, never a silent truncation. The request's lifetime is
/// ended here either way.
/// </summary>
/// <remarks>
/// The core hands over a tool call whole once its arguments are complete, so a tool_use block carries its
/// input as one <c>input_json_delta</c>. message_start's input_tokens is the Router's estimate; message_delta
/// carries the provider's count (Anthropic's SDKs take message_delta's usage over message_start's).
/// </remarks>
public sealed class MessagesStreamResult(string id, RoutedStream stream, ChatRequestLifetime lifetime, long estimatedInputTokens, Func<HttpContext, IMessagesEventSink> sinkFor) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var sink = sinkFor(httpContext);
        var cancellation = httpContext.RequestAborted;
        var context = AnthropicJsonContext.Default;

        try
        {
            var start = new MessageResponse
            {
                Id = id,
                Model = lifetime.Route!.Deployment.Options.Model,
                Content = [],
                Usage = new MessageUsage { InputTokens = estimatedInputTokens },
            };
            await sink.EventAsync("message_start", new MessageStartEvent { Message = start }, context.MessageStartEvent, cancellation);
            await sink.EventAsync("ping", new PingEvent(), context.PingEvent, cancellation);

            var index = -1;
            var textOpen = false;
            long outputChars = 0;
            ChatFinishReason? finish = null;
            UsageDetails? usage = null;
            for (var update = await stream.NextAsync(); update is not null; update = await stream.NextAsync())
            {
                outputChars = checked(outputChars + TokenEstimate.OutputChars(update.Contents));
                finish = update.FinishReason ?? finish;
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextContent { Text.Length: > 0 } text:
                            if (!textOpen)
                            {
                                index++;
                                textOpen = true;
                                await sink.EventAsync("content_block_start", new ContentBlockStartEvent { Index = index, ContentBlock = new ResponseContentBlock { Type = "text", Text = "" } }, context.ContentBlockStartEvent, cancellation);
                            }

                            await sink.EventAsync("content_block_delta", new ContentBlockDeltaEvent { Index = index, Delta = new BlockDelta { Type = "text_delta", Text = text.Text } }, context.ContentBlockDeltaEvent, cancellation);
                            break;
                        case FunctionCallContent call:
                            if (textOpen)
                            {
                                textOpen = false;
                                await sink.EventAsync("content_block_stop", new ContentBlockStopEvent { Index = index }, context.ContentBlockStopEvent, cancellation);
                            }

                            index++;
                            var block = new ResponseContentBlock { Type = "tool_use", Id = call.CallId, Name = call.Name, Input = EmptyInput };
                            await sink.EventAsync("content_block_start", new ContentBlockStartEvent { Index = index, ContentBlock = block }, context.ContentBlockStartEvent, cancellation);
                            var arguments = MessagesResponseMapper.Arguments(call).GetRawText();
                            await sink.EventAsync("content_block_delta", new ContentBlockDeltaEvent { Index = index, Delta = new BlockDelta { Type = "input_json_delta", PartialJson = arguments } }, context.ContentBlockDeltaEvent, cancellation);
                            await sink.EventAsync("content_block_stop", new ContentBlockStopEvent { Index = index }, context.ContentBlockStopEvent, cancellation);
                            break;
                        case UsageContent reported:
                            usage = reported.Details;
                            break;
                    }
                }
            }

            if (textOpen)
            {
                await sink.EventAsync("content_block_stop", new ContentBlockStopEvent { Index = index }, context.ContentBlockStopEvent, cancellation);
            }

            var delta = new MessageDeltaEvent
            {
                Delta = new MessageDelta { StopReason = MessagesResponseMapper.StopReason(finish) ?? "end_turn" },
                Usage = MessagesResponseMapper.ToUsage(usage, estimatedInputTokens, TokenEstimate.ForText(outputChars)),
            };
            await sink.EventAsync("message_delta", delta, context.MessageDeltaEvent, cancellation);
            await sink.StopAsync(delta.Usage, cancellation);
            lifetime.Complete();
        }
        catch (Exception failure)
        {
            // Headers and events are out, so no exception handler can answer any more: the lifetime says what
            // the client is told (nothing when it has gone), and the stream ends on that error event.
            if (lifetime.Fail(failure) is { } error)
            {
                try
                {
                    await sink.ErrorAsync(error, cancellation);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // The client left while being told: the request has already ended with its outcome.
                }
            }
        }
    }

    private static readonly JsonElement EmptyInput = JsonDocument.Parse("{}").RootElement;
}

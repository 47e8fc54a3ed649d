using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// Sends a streamed answer's events at the latency model's pace and finishes the invocation; an
/// injected stream fault replaces event <c>afterEvents</c> with its exception frame and ends the stream.
/// </summary>
internal sealed class BedrockEventStreamer(InvocationPipeline pipeline, LatencyModel latency)
{
    public const string EventStreamContentType = "application/vnd.amazon.eventstream";

    public async Task StreamAsync(HttpContext context, Invocation invocation, AnswerEvents events)
    {
        var answer = events.Answer;
        var faults = invocation.Faults;
        var cancellation = context.RequestAborted;
        var firstToken = latency.FirstToken(invocation);
        context.Response.ContentType = EventStreamContentType;
        var output = context.Response.BodyWriter;

        await LatencyModel.WaitUntilAsync(invocation, firstToken, cancellation);
        var eventCount = events.Leading + answer.Deltas + events.Trailing;
        for (var index = 0; index < eventCount; index++)
        {
            if (index == faults.StreamFaultAfterEvents)
            {
                events.Frames.Exception(faults.StreamFault, InvocationPipeline.FaultMessage(faults.StreamFault));
                await output.FlushAsync(cancellation);
                pipeline.Finish(invocation, faults.StreamFault.Outcome(), StatusCodes.Status200OK);
                return;
            }

            var delta = index - events.Leading;
            if (delta < 0)
            {
                events.WriteLeading(index);
            }
            else if (delta < answer.Deltas)
            {
                await LatencyModel.FlushBeforeAsync(latency.PaceDeltaAsync(invocation, firstToken, delta, cancellation), output, cancellation);
                events.WriteDelta(answer.Delta(delta));
            }
            else
            {
                invocation.OutputTokensSent = answer.OutputTokens;
                events.WriteTrailing(delta - answer.Deltas);
            }
        }

        await output.FlushAsync(cancellation);
        pipeline.Finish(invocation, "success", StatusCodes.Status200OK);
    }
}

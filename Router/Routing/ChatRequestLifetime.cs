using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;
using Switchyard.Router.Providers;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing;

/// <summary>
/// The one owner of an admitted chat request from routing to its last byte: its span, its tenant
/// ticket, the overall deadline, and once routing has served it, the route's capacity reservation
/// and upstream stream. Every way the request ends goes through <see cref="Complete"/>,
/// <see cref="Fail"/> or, as a last resort, <see cref="DisposeAsync"/>, and ends it exactly once:
/// the span gets the outcome as its status, the reservation is settled and the tenant charged
/// with the tokens used (estimated from what was streamed when the provider's usage never came),
/// and the outcome lands in the metrics. A continued stream (<see cref="StreamContinuation"/>) is served
/// in segments, one route each: each segment's reservation is settled when it ends, with what its
/// deployment used (the continuation's prefill included); the tenant is charged once, for the client's
/// prompt and every segment's output, as if the stream had never been cut.
/// </summary>
public sealed partial class ChatRequestLifetime : IAsyncDisposable
{
    private readonly TenantTicket? _ticket;
    private readonly CapacityLimiter _capacity;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly long _started;
    private readonly CancellationToken _requestAborted;
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationTokenRegistration _abortLink;
    private readonly StringBuilder? _transcript;
    private readonly HashSet<Deployment> _cut = [];
    private RoutedStream? _stream;
    private int _ended;

    // The segment being served: its route (null once settled), the usage its provider reported, and its output so far.
    private RouteInfo? _serving;
    private UsageDetails? _usage;
    private long _outputChars;
    private long _prefillPromptTokens;

    // Segments that ended: the client's prompt tokens once a provider reported them, their output, whether any was estimated.
    private long? _promptTokens;
    private long _earlierOutput;
    private long _continuationInput;
    private bool _earlierEstimated;
    private int _continuations;

    /// <summary>The answer the client has, while the group continues streams and it is only text; null otherwise.</summary>
    private StringBuilder? _answer;

    internal ChatRequestLifetime(RouteRequest request, RoutingTable table, TenantTicket? ticket, bool streaming, long started,
        Activity? serverSpan, CapacityLimiter capacity, TimeProvider clock, ILogger logger, CancellationToken requestAborted)
    {
        Request = request;
        UpstreamRequest = request;
        Table = table;
        Streaming = streaming;
        _ticket = ticket;
        _capacity = capacity;
        _clock = clock;
        _logger = logger;
        _started = started;
        _requestAborted = requestAborted;
        Overall = table.Options.Timeouts.Overall;
        // The deadline counts from the request's arrival, admission included, as Remaining does.
        var left = Overall - clock.GetElapsedTime(started);
        _cancellation = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock);
        _abortLink = requestAborted.Register(static state => ((CancellationTokenSource)state!).Cancel(), _cancellation);
        Span = RouterTelemetry.RequestSpan(serverSpan, request.ModelGroup, streaming);
        if (table.Options.RecordContent)
        {
            RouterTelemetry.RecordInput(Span, request.Messages);
            _transcript = new StringBuilder();
        }
    }

    /// <summary>The client's request.</summary>
    public RouteRequest Request { get; }

    /// <summary>What routing sends upstream: the client's request, or the continuation of a cut stream.</summary>
    public RouteRequest UpstreamRequest { get; private set; }

    /// <summary>The routing table snapshot the request was admitted under; it keeps it to the end.</summary>
    public RoutingTable Table { get; }

    public bool Streaming { get; }

    /// <summary>The request's server span (its host's, which starts and ends it); null when nobody traces requests.</summary>
    public Activity? Span { get; }

    /// <summary>Where the request was served (first, when its stream was continued); null until routing has served it.</summary>
    public RouteInfo? Route { get; private set; }

    /// <summary>The route of the segment being streamed; null before routing served it and while a continuation is routed.</summary>
    internal RouteInfo? ServingRoute => _serving;

    /// <summary>Deployments whose stream of this request was cut; a continuation never goes back to them.</summary>
    internal IReadOnlySet<Deployment> CutDeployments => _cut;

    /// <summary>The text the client has been sent, while it can be continued (only text, not finished, group opted in).</summary>
    internal string? AnswerSoFar => _answer?.ToString();

    /// <summary>How many times the stream was continued on another deployment (continuations served).</summary>
    public int Continuations => _continuations;

    /// <summary>
    /// The usage to tell the client: the provider's; for a continued stream the client's prompt and the
    /// output of every segment, which for an answer continued word for word are an uncut stream's.
    /// </summary>
    public UsageDetails? ReportedUsage
    {
        get
        {
            if (_continuations == 0)
            {
                return _usage;
            }

            var (prompt, output, _) = Totals();
            return new UsageDetails { InputTokenCount = prompt, OutputTokenCount = output, TotalTokenCount = checked(prompt + output) };
        }
    }

    /// <summary>Deadline for the whole request, routing and streaming included.</summary>
    public TimeSpan Overall { get; }

    public TimeSpan Remaining => Overall - _clock.GetElapsedTime(_started);

    /// <summary>Cancelled when the client goes away or the overall deadline passes.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    public bool ClientGone => _requestAborted.IsCancellationRequested;

    /// <summary>The overall deadline has passed (by the clock too, so that no timer firing a moment earlier passes for something else).</summary>
    public bool DeadlineExpired => !ClientGone && (_cancellation.IsCancellationRequested || Remaining <= TimeSpan.Zero);

    /// <summary>Routing hands over the winning attempt's route and, with it, its capacity reservation.</summary>
    internal void Served(RouteInfo route)
    {
        _serving = route;
        if (Route is not null)
        {
            _continuations++;
            RouterTelemetry.Continued(Span, route.Deployment.Name, _continuations);
            return;
        }

        Route = route;
        RouterTelemetry.Served(Span, route.Deployment.Tags, route.Attempts, route.FellBack);
        if (Streaming)
        {
            RouterTelemetry.FirstToken(Request.ModelGroup, _clock.GetElapsedTime(_started));
            if (Table.Groups.TryGetValue(route.ModelGroup, out var group) && group.ContinueStreams)
            {
                _answer = new StringBuilder();
            }
        }
    }

    /// <summary>
    /// The stream was cut and is to be continued as <paramref name="continuation"/>: the cut segment's
    /// reservation is settled with what its deployment used, and routing now sends the continuation.
    /// </summary>
    internal void BeginContinuation(StreamContinuation continuation, Exception failure)
    {
        var cut = _serving!;
        SettleSegment(cut);
        _cut.Add(cut.Deployment);
        UpstreamRequest = continuation.Request;
        _prefillPromptTokens = continuation.PrefillPromptTokens;
        RouterTelemetry.ContinuationStarted(Span, cut.Deployment.Name, failure.Message, _answer?.Length ?? 0, continuation.Deployments.Count);
    }

    /// <summary>A stream the group would continue cannot be: the client gets the error event.</summary>
    internal void ContinuationRefused(Exception failure, string reason) =>
        RouterTelemetry.ContinuationRefused(Span, reason, failure.Message);

    /// <summary>No deployment took the continuation: the client gets the error event.</summary>
    internal void ContinuationFailed(RoutingException refused) =>
        RouterTelemetry.ContinuationRefused(Span, refused.Code, refused.Message);

    /// <summary>Takes the served stream, disposed when the request is over.</summary>
    internal void Own(RoutedStream stream) => _stream = stream;

    /// <summary>Records a whole answer's usage and text.</summary>
    internal void Observe(ChatResponse response)
    {
        _usage = response.Usage;
        foreach (var message in response.Messages)
        {
            _outputChars = checked(_outputChars + TokenEstimate.OutputChars(message.Contents));
        }

        _transcript?.Append(response.Text);
    }

    /// <summary>Records a stream update as it passes: the usage when it comes, else the text that counts toward the estimate.</summary>
    internal void Observe(ChatResponseUpdate update)
    {
        _outputChars = checked(_outputChars + TokenEstimate.OutputChars(update.Contents));
        var contents = update.Contents;
        var textOnly = true;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage)
            {
                _usage = usage.Details;
            }
            else if (contents[i] is not TextContent)
            {
                textOnly = false;
            }
        }

        _transcript?.Append(update.Text);
        if (_answer is not null)
        {
            // A prefill is text: an answer with anything else, or one that has finished, is not continued.
            if (update.FinishReason is not null || !textOnly)
            {
                _answer = null;
            }
            else
            {
                _answer.Append(update.Text);
            }
        }
    }

    /// <summary>The request succeeded: the answer or the whole stream, [DONE] included, went out.</summary>
    public void Complete() => End("success", null, null);

    /// <summary>
    /// Ends the request after <paramref name="failure"/> and says what the client is to be told: the
    /// failure itself for a routing error, otherwise an error in the shape clients know (for a stream,
    /// sent as its last event); null when the client has gone and nobody is listening.
    /// </summary>
    public RoutingException? Fail(Exception failure)
    {
        var traceId = Span?.TraceId.ToHexString();
        var (outcome, answer) = failure switch
        {
            _ when ClientGone => ("client_closed", null),
            RoutingException routing => (routing.Code, routing),
            _ when DeadlineExpired => ("deadline_exceeded", new RoutingException(504, "timeout", "deadline_exceeded",
                $"The request did not finish within its deadline of {Overall.TotalSeconds:F0} s.")),
            StreamIdleTimeoutException idle => ("stream_idle_timeout", new RoutingException(504, "timeout", "stream_idle_timeout",
                $"The upstream sent nothing for {idle.Idle.TotalSeconds:F0} s, so the stream was cut.")),
            ProviderException => ("stream_interrupted", new RoutingException(502, "server_error", "stream_interrupted",
                $"The upstream stream failed after tokens were sent.{TraceSuffix(traceId)}")),
            _ => ("server_error", new RoutingException(500, "server_error", "internal_error",
                $"The server had an error while processing your request.{TraceSuffix(traceId)}")),
        };
        if (Streaming && Route is { } route && outcome is not "client_closed")
        {
            // After the first token nothing is rethrown: this is the only record of why the stream was cut.
            RouterTelemetry.StreamCut(Span, outcome, failure.Message);
            if (answer?.StatusCode == 500)
            {
                LogUnexpected(_logger, Request.ModelGroup, route.Deployment.Name, failure);
            }
            else
            {
                LogCut(_logger, Request.ModelGroup, route.Deployment.Name, outcome, failure);
            }
        }

        // An unexpected exception keeps its type and detail on the span only; the client gets the generic answer.
        var unexpected = answer?.StatusCode == 500 && failure is not RoutingException;
        if (unexpected)
        {
            Span?.AddException(failure);
        }

        End(outcome, unexpected ? failure.GetType().FullName : outcome, failure.Message);
        return answer;

        static string TraceSuffix(string? traceId) => traceId is null ? "" : $" Trace id: {traceId}.";
    }

    /// <summary>Ends the request if nothing else did (a path nobody foresaw), then lets go of the stream and the deadline.</summary>
    public async ValueTask DisposeAsync()
    {
        End("abandoned", "abandoned", "The request ended without an outcome.");
        try
        {
            if (_stream is not null)
            {
                await _stream.DisposeAsync();
            }
        }
        finally
        {
            await _abortLink.DisposeAsync();
            _cancellation.Dispose();
        }
    }

    private void End(string outcome, string? errorType, string? errorDescription)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        var span = Span;
        if (Route is { } route)
        {
            // Served means the provider took the prompt: what it reported, else the estimate, is what the request cost.
            if (_serving is { } serving)
            {
                SettleSegment(serving);
            }

            var (input, output, estimated) = Totals();
            _ticket?.RecordUsage(route.Deployment, input, output);
            RouterTelemetry.Usage(span, route.Deployment.Options.Model, input, output, estimated);
            if (_continuations > 0)
            {
                RouterTelemetry.ContinuationUsage(span, _continuations, _continuationInput);
            }

            if (_transcript is not null)
            {
                RouterTelemetry.RecordOutput(span, _transcript.ToString());
            }
        }

        RouterTelemetry.RequestFinished(span, Request.ModelGroup, outcome, errorType, errorDescription, _clock.GetElapsedTime(_started));
    }

    /// <summary>
    /// The tokens of the request so far: the client's prompt (as a provider reported it, less a continuation's
    /// prefill; else estimated) and the output of the segments that ended and of the one being served.
    /// </summary>
    private (long Prompt, long Output, bool Estimated) Totals()
    {
        var (input, output, estimated) = _serving is null ? (0, 0, false) : SegmentUsage();
        var reported = _usage?.InputTokenCount is { } segmentInput ? Math.Max(0, segmentInput - _prefillPromptTokens) : (long?)null;
        var prompt = _promptTokens ?? reported;
        return (prompt ?? TokenEstimate.ForPrompt(Request.Messages), checked(_earlierOutput + output), estimated || _earlierEstimated || prompt is null);
    }

    /// <summary>What the segment being served cost upstream: its provider's usage, else the estimate.</summary>
    private (long Input, long Output, bool Estimated) SegmentUsage() => (
        _usage?.InputTokenCount ?? TokenEstimate.ForPrompt(UpstreamRequest.Messages),
        _usage?.OutputTokenCount ?? TokenEstimate.ForText(_outputChars),
        _usage?.InputTokenCount is null || _usage.OutputTokenCount is null);

    /// <summary>Ends the segment being served: its reservation is settled with what it used, which then counts toward the totals.</summary>
    private void SettleSegment(RouteInfo serving)
    {
        var (input, output, estimated) = SegmentUsage();
        _capacity.Settle(serving.Deployment, serving.Reservation, checked(input + output));
        if (_usage?.InputTokenCount is { } reported)
        {
            _promptTokens ??= Math.Max(0, reported - _prefillPromptTokens);
        }

        if (!ReferenceEquals(UpstreamRequest, Request))
        {
            _continuationInput = checked(_continuationInput + input);
        }

        _earlierOutput = checked(_earlierOutput + output);
        _earlierEstimated |= estimated;
        _serving = null;
        _usage = null;
        _outputChars = 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream of {ModelGroup} from {Deployment} cut after tokens were sent: {Outcome}")]
    private static partial void LogCut(ILogger logger, string modelGroup, string deployment, string outcome, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream of {ModelGroup} from {Deployment} failed unexpectedly after tokens were sent")]
    private static partial void LogUnexpected(ILogger logger, string modelGroup, string deployment, Exception exception);
}

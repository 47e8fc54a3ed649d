using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Router.Telemetry;

/// <summary>
/// The Router's spans, decision events and metrics. Span and attribute names follow the OpenTelemetry
/// GenAI semantic conventions; switchyard.* attributes carry the routing specifics. Metric labels are
/// bounded whatever clients send: a model group label is a configured group or <see cref="UnknownModelGroup"/>,
/// outcomes are the Router's own codes, and free text (decision reasons, upstream details) goes on spans only.
/// </summary>
public static class RouterTelemetry
{
    public const string SourceName = "Switchyard.Router";

    /// <summary>The model group label of a request whose model is not a configured group.</summary>
    public const string UnknownModelGroup = "unknown";

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("switchyard.router.requests", description: "Client requests by model group and outcome.");
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("switchyard.router.attempts", description: "Upstream attempts by deployment and outcome.");
    private static readonly Counter<long> Decisions = Meter.CreateCounter<long>("switchyard.router.decisions", description: "Routing decisions: retry, failover, fallback, breaker_skip, capacity_skip.");
    private static readonly Counter<long> BreakerOpenings = Meter.CreateCounter<long>("switchyard.router.breaker.openings", description: "Circuit breaker openings by deployment.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "Duration of client requests, routing included.");
    private static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>("switchyard.router.time_to_first_token", "s", "Time to the first token sent to the client.");
    private static readonly Counter<long> Continuations = Meter.CreateCounter<long>("switchyard.router.stream_continuations", description: "Cut streams of groups that continue streams: continued, or refused (the client got the error event).");
    private static readonly Histogram<double> DeploymentTimeToFirstToken = Meter.CreateHistogram<double>("switchyard.router.deployment.time_to_first_token", "s", "Time to first token of each upstream attempt that got one, by deployment.");
    private static readonly Histogram<double> DeploymentOutputRate = Meter.CreateHistogram<double>("switchyard.router.deployment.output_rate", "{token}/s", "Output tokens per second from first token to last of each finished upstream stream, by deployment.");
    private static readonly Histogram<long> Tokens = Meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Tokens used, by type.");

    /// <summary>Registers the breaker-state gauge (0 closed, 1 half-open, 2 open) over the live deployment states.</summary>
    public static void ObserveBreakers(Func<IEnumerable<KeyValuePair<string, int>>> states) =>
        Meter.CreateObservableGauge("switchyard.router.breaker.state",
            () => states().Select(s => new Measurement<int>(s.Value, new KeyValuePair<string, object?>("switchyard.deployment", s.Key))),
            description: "Circuit state per deployment: 0 closed, 1 half-open, 2 open.");

    /// <summary>
    /// Registers the latency model's gauges over the live deployment readings: each deployment's p50, p95 and
    /// p99 time to first token as this replica knows them, and the first-token deadline they give it now.
    /// </summary>
    public static void ObserveLatency(Func<IEnumerable<DeploymentLatencyReading>> readings)
    {
        Meter.CreateObservableGauge("switchyard.router.deployment.time_to_first_token.quantile",
            () => readings().SelectMany(r => new[] { ("p50", r.P50Ms), ("p95", r.P95Ms), ("p99", r.P99Ms) }
                .Where(q => q.Item2 is not null)
                .Select(q => new Measurement<double>(q.Item2!.Value / 1000, new("switchyard.deployment", r.Deployment), new("switchyard.quantile", q.Item1)))),
            "s", "Time to first token quantiles per deployment over the latency window.");
        Meter.CreateObservableGauge("switchyard.router.deployment.first_token_deadline",
            () => readings().Select(r => new Measurement<double>(r.FirstTokenDeadline.TotalSeconds,
                new KeyValuePair<string, object?>("switchyard.deployment", r.Deployment))),
            "s", "How long an attempt on the deployment waits for its first token before it is abandoned.");
    }

    /// <summary>
    /// The request's span: the server span ASP.NET Core started for it (<paramref name="server"/>; null when nobody
    /// traces requests), given the GenAI request attributes. The Router starts no server span of its own: a second
    /// one for the same request repeated the first and cost 3 % of the CPU per request (A/B at 64 concurrent, 9 of
    /// 10 rounds). ASP.NET Core starts and ends it, so it covers the whole exchange, admission included;
    /// ServiceDefaults names it "chat &lt;model group&gt;" from these attributes.
    /// </summary>
    public static Activity? RequestSpan(Activity? server, string modelGroup, bool streaming)
    {
        if (server is { IsAllDataRequested: true })
        {
            server.SetTag("gen_ai.operation.name", "chat");
            server.SetTag("gen_ai.request.model", modelGroup);
            server.SetTag("switchyard.stream", streaming);
        }

        return server;
    }

    public static Activity? StartAttempt(DeploymentTags deployment, int attempt)
    {
        var activity = Source.StartActivity(deployment.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", deployment.Provider);
            activity.SetTag("gen_ai.request.model", deployment.Model);
            activity.SetTag("switchyard.deployment", deployment.Name);
            activity.SetTag("switchyard.region", deployment.Region);
            activity.SetTag("switchyard.account", deployment.Account);
            activity.SetTag("switchyard.attempt", attempt);
        }

        return activity;
    }

    /// <summary>Records a routing decision as a span event with its reason, and as a metric by decision only (reasons carry numbers and upstream error names).</summary>
    public static void Decision(Activity? request, string decision, string reason, string? deployment = null, string? group = null)
    {
        Decisions.Add(1, new KeyValuePair<string, object?>("switchyard.decision", decision));
        request?.AddEvent(new ActivityEvent($"switchyard.{decision}", tags: new ActivityTagsCollection
        {
            ["switchyard.reason"] = reason,
            ["switchyard.deployment"] = deployment,
            ["switchyard.model_group"] = group,
        }));
    }

    /// <summary>An attempt's first token: into the per-deployment histogram and onto its span.</summary>
    public static void AttemptFirstToken(Activity? attempt, string deployment, TimeSpan elapsed)
    {
        DeploymentTimeToFirstToken.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("switchyard.deployment", deployment));
        attempt?.AddEvent(new ActivityEvent("switchyard.first_token", tags: new ActivityTagsCollection { ["switchyard.elapsed_ms"] = elapsed.TotalMilliseconds }));
    }

    public static void OutputRate(string deployment, double tokensPerSecond) =>
        DeploymentOutputRate.Record(tokensPerSecond, new KeyValuePair<string, object?>("switchyard.deployment", deployment));

    /// <summary>A hedge attempt starts: its span says why.</summary>
    public static void HedgeStarted(Activity? hedge, string reason) =>
        hedge?.AddEvent(new ActivityEvent("switchyard.hedge", tags: new ActivityTagsCollection { ["switchyard.reason"] = reason }));

    /// <summary>An attempt cancelled because another one sent its first token sooner: its span ends cancelled, and it counts as such.</summary>
    public static void AttemptAbandoned(Activity? attempt, string deployment, string reason)
    {
        if (attempt is not null)
        {
            attempt.AddEvent(new ActivityEvent("switchyard.attempt_cancelled", tags: new ActivityTagsCollection { ["switchyard.reason"] = reason }));
            attempt.SetTag("switchyard.outcome", "cancelled");
            attempt.SetTag("error.type", "cancelled");
        }

        AttemptFinished(deployment, "cancelled");
    }

    public static void AttemptFinished(string deployment, string outcome) =>
        Attempts.Add(1, new("switchyard.deployment", deployment), new("switchyard.outcome", outcome));

    /// <summary>Tags the request span with the route that served it: its deployment, after how many attempts, whether by fallback.</summary>
    public static void Served(Activity? request, DeploymentTags deployment, int attempts, bool fellBack)
    {
        if (request is null)
        {
            return;
        }

        request.SetTag("switchyard.deployment", deployment.Name);
        request.SetTag("switchyard.region", deployment.Region);
        request.SetTag("switchyard.account", deployment.Account);
        request.SetTag("switchyard.attempts", attempts);
        request.SetTag("switchyard.fallback", fellBack);
        request.SetTag("gen_ai.provider.name", deployment.Provider);
    }

    /// <summary>A stream cut after its first token: the reason, with the upstream's detail, stays on the span.</summary>
    public static void StreamCut(Activity? request, string outcome, string detail) =>
        request?.AddEvent(new ActivityEvent("switchyard.stream_failed_after_first_token", tags: new ActivityTagsCollection
        {
            ["switchyard.reason"] = outcome,
            ["switchyard.detail"] = detail,
        }));

    /// <summary>A stream cut after its first token is to be continued: which deployment cut it, why, and how much of the answer the prefill carries.</summary>
    public static void ContinuationStarted(Activity? request, string cutDeployment, string detail, int answerChars, int candidates) =>
        request?.AddEvent(new ActivityEvent("switchyard.stream_continuation", tags: new ActivityTagsCollection
        {
            ["switchyard.deployment"] = cutDeployment,
            ["switchyard.detail"] = detail,
            ["switchyard.continuation.prefill_chars"] = answerChars,
            ["switchyard.continuation.candidates"] = candidates,
        }));

    /// <summary>A continuation was served: the stream goes on from <paramref name="deployment"/>.</summary>
    public static void Continued(Activity? request, string deployment, int continuations)
    {
        Continuations.Add(1, new KeyValuePair<string, object?>("switchyard.outcome", "continued"));
        request?.AddEvent(new ActivityEvent("switchyard.stream_continued", tags: new ActivityTagsCollection
        {
            ["switchyard.deployment"] = deployment,
            ["switchyard.continuations"] = continuations,
        }));
    }

    /// <summary>A cut stream of a group that continues streams was not continued: why stays on the span.</summary>
    public static void ContinuationRefused(Activity? request, string reason, string detail)
    {
        Continuations.Add(1, new KeyValuePair<string, object?>("switchyard.outcome", "refused"));
        request?.AddEvent(new ActivityEvent("switchyard.stream_continuation_refused", tags: new ActivityTagsCollection
        {
            ["switchyard.reason"] = reason,
            ["switchyard.detail"] = detail,
        }));
    }

    /// <summary>A continued request: how often, and the prompt tokens its continuations sent (prefills included), which the tenant is not charged.</summary>
    public static void ContinuationUsage(Activity? request, int continuations, long continuationInputTokens)
    {
        request?.SetTag("switchyard.continuations", continuations);
        request?.SetTag("switchyard.continuation.input_tokens", continuationInputTokens);
    }

    /// <summary>Gives the request span its outcome (status Error with <paramref name="errorType"/> unless it succeeded) and counts it.</summary>
    public static void RequestFinished(Activity? request, string modelGroup, string outcome, string? errorType, string? description, TimeSpan duration)
    {
        if (request is not null)
        {
            request.SetTag("switchyard.outcome", outcome);
            if (errorType is not null)
            {
                request.SetTag("error.type", errorType);
                request.SetStatus(ActivityStatusCode.Error, description);
            }
        }

        Requests.Add(1, new("gen_ai.request.model", modelGroup), new("switchyard.outcome", outcome));
        Duration.Record(duration.TotalSeconds, new("gen_ai.request.model", modelGroup), new("switchyard.outcome", outcome));
    }

    /// <summary>A request refused before routing (bad input, unknown model, key, tenant limits): counted by its error code.</summary>
    public static void RequestRefused(string? requestedModel, Func<string, bool> isModelGroup, string code, TimeSpan duration) =>
        RequestFinished(null, ModelGroupLabel(requestedModel, isModelGroup), code, null, null, duration);

    /// <summary>The label for a client's model: the group when it is configured, else <see cref="UnknownModelGroup"/>.</summary>
    public static string ModelGroupLabel(string? requestedModel, Func<string, bool> isModelGroup) =>
        requestedModel is not null && isModelGroup(requestedModel) ? requestedModel : UnknownModelGroup;

    public static void FirstToken(string modelGroup, TimeSpan elapsed) =>
        TimeToFirstToken.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("gen_ai.request.model", modelGroup));

    /// <summary>Tokens charged for the request; <paramref name="estimated"/> when the provider did not report them all.</summary>
    public static void Usage(Activity? request, string responseModel, long? input, long? output, bool estimated)
    {
        if (request is not null)
        {
            request.SetTag("gen_ai.response.model", responseModel);
            request.SetTag("gen_ai.usage.input_tokens", input);
            request.SetTag("gen_ai.usage.output_tokens", output);
            if (estimated)
            {
                request.SetTag("switchyard.usage_estimated", true);
            }
        }

        if (input is { } i)
        {
            Tokens.Record(i, new("gen_ai.token.type", "input"), new("gen_ai.response.model", responseModel));
        }

        if (output is { } o)
        {
            Tokens.Record(o, new("gen_ai.token.type", "output"), new("gen_ai.response.model", responseModel));
        }
    }

    /// <summary>The prompt on the request span; only called when Routing:RecordContent is on.</summary>
    public static void RecordInput(Activity? request, IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages) =>
        request?.SetTag("gen_ai.input.messages", System.Text.Json.JsonSerializer.Serialize(
            messages.Select(m => new Dictionary<string, string> { ["role"] = m.Role.Value, ["content"] = m.Text }).ToList(),
            Microsoft.Extensions.AI.AIJsonUtilities.DefaultOptions));

    /// <summary>The completion on the request span; only called when Routing:RecordContent is on.</summary>
    public static void RecordOutput(Activity? request, string text) =>
        request?.SetTag("gen_ai.output.messages", text);

    public static void BreakerOpened(string deployment) =>
        BreakerOpenings.Add(1, new KeyValuePair<string, object?>("switchyard.deployment", deployment));
}

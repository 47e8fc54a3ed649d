using System.Diagnostics;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using Switchyard.Router.Providers;
using Switchyard.Router.Telemetry;
using Switchyard.Router.Tenancy;

namespace Switchyard.Router.Routing;

/// <summary>
/// Decides, attempt by attempt, which deployment serves a request: strategy order, breaker and
/// capacity skips, failover within the group, fallback along the group's chain when a trigger
/// matches, retries with capped exponential backoff and full jitter within the retry budget, and
/// the per-attempt and overall deadlines. Every decision becomes a span event. Routing settles the
/// capacity it reserved for attempts that did not serve; the serving attempt's reservation passes to
/// the request's <see cref="ChatRequestLifetime"/>, which settles it when the request ends.
/// </summary>
public sealed partial class ChatRouter(
    RoutingTableProvider tables,
    CapacityLimiter capacity,
    SharedCircuitBreakers sharedBreakers,
    RetryBudget retryBudget,
    TimeProvider clock,
    ILogger<ChatRouter> logger)
{
    /// <summary>
    /// Opens the lifetime of an admitted request on the current routing table: its span starts and its
    /// overall deadline (counted from <paramref name="started"/>, a <see cref="TimeProvider"/> timestamp) runs.
    /// </summary>
    public ChatRequestLifetime Begin(RouteRequest request, TenantTicket? ticket, bool streaming, long started, CancellationToken requestAborted) =>
        new(request, tables.Current, ticket, streaming, started, capacity, clock, logger, requestAborted);

    /// <summary>Routes a request for a whole answer; the answer's usage is recorded on the lifetime.</summary>
    public async Task<ChatResponse> CompleteAsync(ChatRequestLifetime lifetime)
    {
        var response = await RouteAsync(lifetime,
            static (deployment, lifetime, deadline) => deployment.Client.GetResponseAsync(lifetime.Request.Messages, lifetime.Request.Options, deadline));
        lifetime.Observe(response);
        return response;
    }

    /// <summary>Routes a streamed request up to its first update; the lifetime owns the stream from then on.</summary>
    public async Task<RoutedStream> StreamAsync(ChatRequestLifetime lifetime)
    {
        var stream = new RoutedStream(await RouteStreamAsync(lifetime), lifetime, ContinueAsync);
        lifetime.Own(stream);
        return stream;
    }

    /// <summary>
    /// Routes the continuation of a cut stream (<see cref="ChatRequestLifetime.UpstreamRequest"/>) like any
    /// request, breakers and capacity included; as a failover it draws on the retry budget.
    /// </summary>
    private Task<UpstreamStream> ContinueAsync(ChatRequestLifetime lifetime) =>
        retryBudget.TryWithdraw()
            ? RouteStreamAsync(lifetime)
            : throw new RoutingException(503, "service_unavailable", "retry_budget_exhausted", "The retry budget is spent: the stream is not continued.");

    private Task<UpstreamStream> RouteStreamAsync(ChatRequestLifetime lifetime) =>
        RouteAsync(lifetime, (deployment, lifetime, deadline) => UpstreamStream.StartAsync(deployment, lifetime, deadline, clock));

    /// <summary>
    /// Routes one request: <paramref name="attempt"/> makes a single upstream call on the given
    /// deployment within the given token (the attempt deadline) and returns once the answer, or for
    /// streams the first update, is in hand.
    /// </summary>
    /// <remarks>
    /// The loop, step by step (the numbers mark the code):
    /// <list type="number">
    /// <item>Resolve the model group in the lifetime's table snapshot (404 when unknown); draw the first attempt on the retry budget.</item>
    /// <item>Choose: the group's strategy orders its deployments; those already failed in this group, outside the
    /// tenant's dedicated set or with an open breaker (here or on another replica) are skipped; the first with
    /// rpm/tpm capacity is reserved.</item>
    /// <item>Nothing chosen: follow the group's fallback chain if a trigger matches; else retry the same group
    /// after backoff if the last failure is retryable, attempts, retry budget and deadline allow; else the
    /// exhausted error (429, 503 or 504).</item>
    /// <item>A failover (any attempt after the first that no backoff retry paid for) withdraws from the retry budget.</item>
    /// <item>Attempt through the deployment's breaker, in an attempt span, within the attempt deadline (at most
    /// what is left of the overall one). A missed attempt deadline is a timeout; an exception of a type no
    /// provider should throw is a retryable server error; both count on the breaker.</item>
    /// <item>Served: the route and its reservation pass to the lifetime; done.</item>
    /// <item>Failed: the attempt's reservation is settled as unused. A non-retryable failure falls back when a
    /// larger or unfiltered group may take it, else is the client's error; a retryable one fails over to the
    /// next deployment (back to 2), up to <c>Retry:MaxAttempts</c>.</item>
    /// </list>
    /// When the client goes away the cancellation propagates; when the overall deadline passes the request
    /// fails with 504 <c>deadline_exceeded</c>. Any reservation not handed over is settled on the way out.
    /// </remarks>
    private async Task<T> RouteAsync<T>(ChatRequestLifetime lifetime, Func<Deployment, ChatRequestLifetime, CancellationToken, Task<T>> attempt)
    {
        // 1. Resolve the group.
        var request = lifetime.UpstreamRequest;
        var table = lifetime.Table;
        if (!table.Groups.TryGetValue(request.ModelGroup, out var group))
        {
            throw new RoutingException(404, "invalid_request_error", "model_not_found",
                $"The model '{request.ModelGroup}' does not exist. GET /v1/models lists the model groups.");
        }

        var options = table.Options;
        var span = lifetime.Span;
        var cancellation = lifetime.Cancellation;
        var failedHere = new HashSet<Deployment>();
        var currentGroup = group;
        var nextFallback = 0;
        var attempts = 0;
        var retryRound = 0;
        var retryPaid = false; // a backoff retry already withdrew from the budget
        ProviderException? lastFailure = null;
        TimeSpan? capacityFreesIn = null; // soonest any deployment skipped for capacity has room again
        retryBudget.OnFirstAttempt();

        try
        {
            while (true)
            {
                // 2. Choose a deployment and reserve its capacity.
                var (chosen, reservation, capacitySkips, breakerSkips, freesIn) = await ChooseAsync(currentGroup, request, failedHere, span, cancellation);
                capacityFreesIn = Soonest(capacityFreesIn, freesIn);
                if (chosen is null)
                {
                    // 3. Nothing in this group can serve now: its failure, or why everything was skipped, picks the way on.
                    var trigger = failedHere.Count > 0 && lastFailure is not null ? lastFailure.Trigger
                        : capacitySkips > 0 ? "throttled"
                        : "unavailable";
                    if (NextFallback(group, ref nextFallback, trigger, table) is { } fallbackGroup)
                    {
                        RouterTelemetry.Decision(span, "fallback", trigger, group: fallbackGroup.Name);
                        currentGroup = fallbackGroup;
                        failedHere.Clear();
                        continue;
                    }

                    if (lastFailure is { IsRetryable: true } && failedHere.Count > 0 && attempts < options.Retry.MaxAttempts && retryBudget.TryWithdraw())
                    {
                        retryPaid = true;
                        var delay = Backoff(options.Retry, retryRound++, lastFailure.RetryAfter);
                        if (delay < lifetime.Remaining)
                        {
                            RouterTelemetry.Decision(span, "retry", $"{lastFailure.Trigger}; backoff {delay.TotalMilliseconds:F0} ms", group: currentGroup.Name);
                            await Task.Delay(delay, clock, cancellation);
                            failedHere.Clear();
                            continue;
                        }
                    }

                    throw Exhausted(request.ModelGroup, lastFailure, capacitySkips, breakerSkips, capacityFreesIn);
                }

                var served = false;
                try
                {
                    // 4. A failover draws on the retry budget.
                    if (attempts > 0 && !retryPaid && !retryBudget.TryWithdraw())
                    {
                        RouterTelemetry.Decision(span, "retry_budget_exhausted", lastFailure?.Trigger ?? "unknown", chosen.Name);
                        throw Exhausted(request.ModelGroup, lastFailure, 0, 0, null);
                    }

                    var remaining = lifetime.Remaining;
                    if (remaining <= TimeSpan.Zero)
                    {
                        throw DeadlineExceeded(request.ModelGroup, lifetime.Overall);
                    }

                    // 5. The attempt.
                    attempts++;
                    retryPaid = false;
                    var attemptTimeout = TimeSpan.FromSeconds(Math.Min(options.Timeouts.AttemptSeconds, remaining.TotalSeconds));
                    using var attemptSpan = RouterTelemetry.StartAttempt(chosen, attempts);
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                    deadline.CancelAfter(attemptTimeout);
                    chosen.State.Enter();
                    var started = clock.GetTimestamp();
                    try
                    {
                        var value = await chosen.State.Breaker.ExecuteAsync(
                            static async (context, token) =>
                            {
                                try
                                {
                                    return await context.attempt(context.chosen, context.lifetime, token);
                                }
                                catch (Exception e) when (context.lifetime.ClientGone || context.lifetime.DeadlineExpired)
                                {
                                    // The client left or the overall deadline passed: whatever the provider made of the
                                    // cancellation, it is no fault of the deployment's and the breaker must not count it.
                                    throw new OperationCanceledException("The request was cancelled.", e, context.lifetime.Cancellation);
                                }
                                catch (OperationCanceledException)
                                {
                                    // The attempt deadline fired: a timeout the breaker must count, so a hung deployment gets skipped.
                                    throw new ProviderException(FailureKind.Timeout, 0, "AttemptTimeout", $"No answer from {context.chosen.Name} within {context.attemptTimeout.TotalSeconds:F0} s.");
                                }
                            },
                            (attempt, chosen, lifetime, attemptTimeout, router: this),
                            deadline.Token);

                        // 6. Served: the reservation is the lifetime's to settle now.
                        chosen.State.RecordTimeToFirstToken(clock.GetElapsedTime(started));
                        RouterTelemetry.AttemptFinished(chosen, "success");
                        lifetime.Served(new RouteInfo(chosen, currentGroup.Name, attempts, currentGroup != group, reservation));
                        served = true;
                        return value;
                    }
                    catch (BrokenCircuitException)
                    {
                        // Half-open and its single probe already taken: not an upstream call.
                        attempts--;
                        failedHere.Add(chosen);
                        RouterTelemetry.Decision(span, "breaker_skip", "half-open probe in progress", chosen.Name);
                        continue;
                    }
                    catch (ProviderException failure)
                    {
                        lastFailure = failure;
                        RecordFailure(chosen, attemptSpan, failure);
                    }
                    finally
                    {
                        chosen.State.Exit();
                    }
                }
                finally
                {
                    if (!served)
                    {
                        capacity.Settle(chosen, reservation, 0);
                    }
                }

                // 7. A failed attempt: fall back, give up, or fail over.
                if (!lastFailure.IsRetryable)
                {
                    // A larger model may take a prompt that is too long, another may not filter it: those can fall back.
                    if (lastFailure.Kind is FailureKind.ContextWindowExceeded or FailureKind.ContentFiltered
                        && NextFallback(group, ref nextFallback, lastFailure.Trigger, table) is { } fallbackGroup)
                    {
                        RouterTelemetry.Decision(span, "fallback", lastFailure.Trigger, group: fallbackGroup.Name);
                        currentGroup = fallbackGroup;
                        failedHere.Clear();
                        continue;
                    }

                    throw ToClientError(lastFailure);
                }

                failedHere.Add(chosen);
                if (attempts >= options.Retry.MaxAttempts)
                {
                    throw Exhausted(request.ModelGroup, lastFailure, 0, 0, null);
                }

                RouterTelemetry.Decision(span, "failover", $"{lastFailure.Trigger}: {lastFailure.ErrorType}", chosen.Name, currentGroup.Name);
            }
        }
        catch (OperationCanceledException cancelled) when (lifetime.DeadlineExpired)
        {
            throw DeadlineExceeded(request.ModelGroup, lifetime.Overall, cancelled);
        }
    }

    private async Task<(Deployment? Chosen, CapacityReservation Reservation, int CapacitySkips, int BreakerSkips, TimeSpan? CapacityFreesIn)> ChooseAsync(
        ModelGroup group, RouteRequest request, HashSet<Deployment> failedHere, Activity? span, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        int capacitySkips = 0, breakerSkips = 0;
        TimeSpan? freesIn = null;
        foreach (var deployment in group.Strategy.Order(group.Deployments))
        {
            if (failedHere.Contains(deployment) || request.AllowedDeployments is { } allowed && !allowed.Contains(deployment.Name))
            {
                continue;
            }

            if (deployment.State.IsOpen || sharedBreakers.IsOpenElsewhere(deployment.Name, now))
            {
                breakerSkips++;
                RouterTelemetry.Decision(span, "breaker_skip", "circuit open", deployment.Name, group.Name);
                continue;
            }

            var reservation = await capacity.TryAcquireAsync(deployment, request.ReservedTokens, cancellationToken, request.CapacityShare);
            if (!reservation.Acquired)
            {
                capacitySkips++;
                freesIn = Soonest(freesIn, reservation.FreesIn);
                RouterTelemetry.Decision(span, "capacity_skip", "rpm/tpm reached", deployment.Name, group.Name);
                continue;
            }

            if (reservation.StoreUnavailable)
            {
                RouterTelemetry.Decision(span, "capacity_unchecked", "capacity store unavailable; admitted without a check", deployment.Name, group.Name);
            }

            return (deployment, reservation, capacitySkips, breakerSkips, freesIn);
        }

        return (null, default, capacitySkips, breakerSkips, freesIn);
    }

    private static TimeSpan? Soonest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static ModelGroup? NextFallback(ModelGroup origin, ref int next, string trigger, RoutingTable table)
    {
        while (next < origin.Fallbacks.Count)
        {
            var fallback = origin.Fallbacks[next++];
            if (fallback.Triggers.Contains(trigger) && table.Groups.TryGetValue(fallback.Group, out var group))
            {
                return group;
            }
        }

        return null;
    }

    private void RecordFailure(Deployment deployment, Activity? attemptSpan, ProviderException failure)
    {
        attemptSpan?.SetStatus(ActivityStatusCode.Error, failure.ErrorType);
        attemptSpan?.SetTag("error.type", failure.ErrorType);
        attemptSpan?.SetTag("http.response.status_code", failure.StatusCode);
        if (failure.InnerException is { } inner)
        {
            attemptSpan?.AddException(inner);
        }

        RouterTelemetry.AttemptFinished(deployment, failure.Trigger);
        LogAttemptFailed(deployment.Name, failure.Kind, failure.Message);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Attempt on {Deployment} failed: {Kind} {Reason}")]
    private partial void LogAttemptFailed(string deployment, FailureKind kind, string reason);

    /// <summary>Capped exponential backoff with full jitter, never shorter than the provider's Retry-After.</summary>
    public static TimeSpan Backoff(Configuration.RetryOptions retry, int round, TimeSpan? retryAfter)
    {
        var cap = Math.Min(retry.MaxDelayMs, retry.BaseDelayMs * Math.Pow(2, Math.Min(round, 20)));
        var jittered = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
        return retryAfter is { } wait && wait > jittered ? wait : jittered;
    }

    private static RoutingException Exhausted(string modelGroup, ProviderException? last, int capacitySkips, int breakerSkips, TimeSpan? capacityFreesIn) => last switch
    {
        { Kind: FailureKind.Throttled } => new RoutingException(429, "rate_limit_exceeded", "upstream_throttled",
            $"Every deployment of '{modelGroup}' is throttling: {last.Message}", last.RetryAfter ?? TimeSpan.FromSeconds(1), last),
        { Kind: FailureKind.Timeout } => new RoutingException(504, "timeout", "upstream_timeout",
            $"No deployment of '{modelGroup}' answered in time: {last.Message}", inner: last),
        not null => new RoutingException(503, "service_unavailable", "upstream_unavailable",
            $"No deployment of '{modelGroup}' could serve the request: {last.Message}", TimeSpan.FromSeconds(1), last),
        null when capacitySkips > 0 && capacityFreesIn is { } wait => new RoutingException(429, "rate_limit_exceeded", "capacity_exhausted",
            $"Every deployment of '{modelGroup}' is at its rpm/tpm capacity; room again in {Math.Max(1, Math.Ceiling(wait.TotalSeconds))} s.", wait),
        null => new RoutingException(503, "service_unavailable", breakerSkips > 0 ? "circuit_open" : "no_deployment",
            $"No deployment of '{modelGroup}' is available right now.", TimeSpan.FromSeconds(1)),
    };

    private static RoutingException DeadlineExceeded(string modelGroup, TimeSpan overall, Exception? inner = null) =>
        new(504, "timeout", "deadline_exceeded", $"No deployment of '{modelGroup}' answered within the request deadline of {overall.TotalSeconds:F0} s.", inner: inner);

    private static RoutingException ToClientError(ProviderException failure) => failure.Kind switch
    {
        FailureKind.ContextWindowExceeded => new RoutingException(400, "invalid_request_error", "context_length_exceeded", failure.Message, inner: failure),
        FailureKind.ContentFiltered => new RoutingException(400, "invalid_request_error", "content_filter", failure.Message, inner: failure),
        // 401/403 from the provider is the gateway's credentials problem, not the client's.
        _ when failure.StatusCode is 401 or 403 => new RoutingException(502, "upstream_error", "upstream_auth_failed", failure.Message, inner: failure),
        _ => new RoutingException(failure.StatusCode is >= 400 and < 500 ? failure.StatusCode : 400, "invalid_request_error", "upstream_rejected", failure.Message, inner: failure),
    };
}

using System.Diagnostics;
using Polly.CircuitBreaker;
using Switchyard.Router.Providers;
using Switchyard.Router.Telemetry;

namespace Switchyard.Router.Routing;

/// <summary>
/// Decides, attempt by attempt, which deployment serves a request: strategy order, breaker and
/// capacity skips, failover within the group, fallback along the group's chain when a trigger
/// matches, retries with capped exponential backoff and full jitter within the retry budget, and
/// the per-attempt and overall deadlines. Every decision becomes a span event.
/// </summary>
public sealed class ChatRouter(
    RoutingTableProvider tables,
    CapacityLimiter capacity,
    SharedCircuitBreakers sharedBreakers,
    RetryBudget retryBudget,
    TimeProvider clock,
    ILogger<ChatRouter> logger)
{
    /// <summary>
    /// Routes one request. <paramref name="attempt"/> performs a single upstream call on the given
    /// deployment within the given token (which carries the attempt deadline) and returns once the
    /// answer, or for streams the first update, is in hand.
    /// </summary>
    public async Task<Routed<T>> RouteAsync<T>(RouteRequest request, Activity? span, Func<Deployment, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var table = tables.Current;
        if (!table.Groups.TryGetValue(request.ModelGroup, out var group))
        {
            throw new RoutingException(404, "invalid_request_error", "model_not_found",
                $"The model '{request.ModelGroup}' does not exist. GET /v1/models lists the model groups.");
        }

        var options = table.Options;
        var overallDeadline = clock.GetTimestamp() + (long)(TimeSpan.FromSeconds(options.Timeouts.OverallSeconds).TotalSeconds * clock.TimestampFrequency);
        var failedHere = new HashSet<Deployment>();
        var currentGroup = group;
        var nextFallback = 0;
        var attempts = 0;
        var retryRound = 0;
        var retryPaid = false; // a backoff retry already withdrew from the budget
        ProviderException? lastFailure = null;
        TimeSpan? capacityFreesIn = null; // soonest any deployment skipped for capacity has room again
        retryBudget.OnFirstAttempt();

        while (true)
        {
            var (chosen, reservation, capacitySkips, breakerSkips, freesIn) = await ChooseAsync(currentGroup, request, failedHere, span, cancellationToken);
            capacityFreesIn = Soonest(capacityFreesIn, freesIn);
            if (chosen is null)
            {
                // Nothing in this group can serve now: its failure, or why everything was skipped, picks the way on.
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
                    if (clock.GetTimestamp() + (long)(delay.TotalSeconds * clock.TimestampFrequency) < overallDeadline)
                    {
                        RouterTelemetry.Decision(span, "retry", $"{lastFailure.Trigger}; backoff {delay.TotalMilliseconds:F0} ms", group: currentGroup.Name);
                        await Task.Delay(delay, clock, cancellationToken);
                        failedHere.Clear();
                        continue;
                    }
                }

                throw Exhausted(request.ModelGroup, lastFailure, capacitySkips, breakerSkips, capacityFreesIn);
            }

            if (attempts > 0 && !retryPaid && !retryBudget.TryWithdraw())
            {
                capacity.Settle(chosen, reservation, 0);
                RouterTelemetry.Decision(span, "retry_budget_exhausted", lastFailure?.Trigger ?? "unknown", chosen.Name);
                throw Exhausted(request.ModelGroup, lastFailure, 0, 0, null);
            }

            attempts++;
            retryPaid = false;
            var remaining = TimeSpan.FromSeconds((double)(overallDeadline - clock.GetTimestamp()) / clock.TimestampFrequency);
            var attemptTimeout = TimeSpan.FromSeconds(Math.Min(options.Timeouts.AttemptSeconds, Math.Max(0, remaining.TotalSeconds)));
            using var attemptSpan = RouterTelemetry.StartAttempt(chosen, attempts);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
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
                            return await context.attempt(context.chosen, token);
                        }
                        catch (OperationCanceledException) when (!context.cancellationToken.IsCancellationRequested)
                        {
                            // The attempt deadline fired: a timeout the breaker must count, so a hung deployment gets skipped.
                            throw new ProviderException(FailureKind.Timeout, 0, "AttemptTimeout", $"No answer from {context.chosen.Name} within {context.attemptTimeout.TotalSeconds:F0} s.");
                        }
                    },
                    (attempt, chosen, cancellationToken, attemptTimeout),
                    deadline.Token);
                chosen.State.RecordTimeToFirstToken(clock.GetElapsedTime(started));
                RouterTelemetry.AttemptFinished(chosen, "success");
                return new Routed<T>(value, new RouteInfo(chosen, currentGroup.Name, attempts, currentGroup != group, reservation));
            }
            catch (BrokenCircuitException)
            {
                // Half-open and its single probe already taken: not an upstream call.
                attempts--;
                capacity.Settle(chosen, reservation, 0);
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

            capacity.Settle(chosen, reservation, 0);
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
        RouterTelemetry.AttemptFinished(deployment, failure.Trigger);
        logger.LogDebug("Attempt on {Deployment} failed: {Kind} {Message}", deployment.Name, failure.Kind, failure.Message);
    }

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

    private static RoutingException ToClientError(ProviderException failure) => failure.Kind switch
    {
        FailureKind.ContextWindowExceeded => new RoutingException(400, "invalid_request_error", "context_length_exceeded", failure.Message, inner: failure),
        FailureKind.ContentFiltered => new RoutingException(400, "invalid_request_error", "content_filter", failure.Message, inner: failure),
        // 401/403 from the provider is the gateway's credentials problem, not the client's.
        _ when failure.StatusCode is 401 or 403 => new RoutingException(502, "upstream_error", "upstream_auth_failed", failure.Message, inner: failure),
        _ => new RoutingException(failure.StatusCode is >= 400 and < 500 ? failure.StatusCode : 400, "invalid_request_error", "upstream_rejected", failure.Message, inner: failure),
    };
}

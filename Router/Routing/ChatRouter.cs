using System.Diagnostics;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Routing.Latency;
using Switchyard.Router.Telemetry;

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
    HedgeBudget hedgeBudget,
    TimeProvider clock,
    ILogger<ChatRouter> logger)
{
    /// <summary>
    /// Opens the lifetime of an admitted request on the current routing table: its span (the host's server span,
    /// <paramref name="serverSpan"/>) gets the request's attributes and its overall deadline (counted from
    /// <paramref name="started"/>, a <see cref="TimeProvider"/> timestamp) runs.
    /// </summary>
    public ChatRequestLifetime Begin(RouteRequest request, TenantTicket? ticket, bool streaming, long started, Activity? serverSpan, CancellationToken requestAborted) =>
        new(request, tables.Current, ticket, streaming, started, serverSpan, capacity, clock, logger, requestAborted);

    /// <summary>
    /// Routes a request for a whole answer; the answer's usage is recorded on the lifetime. Upstream it is a
    /// stream assembled here, so that a deployment that hangs is caught at its first token as streams are.
    /// </summary>
    public async Task<ChatResponse> CompleteAsync(ChatRequestLifetime lifetime)
    {
        var response = await RouteAsync(lifetime, (deployment, lifetime, attempt) => StreamedAnswer.AssembleAsync(deployment, lifetime, attempt, clock));
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
        RouteAsync(lifetime, (deployment, lifetime, attempt) => UpstreamStream.StartAsync(deployment, lifetime, attempt.Token, clock));

    /// <summary>
    /// Routes one request: <paramref name="attempt"/> makes a single upstream call on the given
    /// deployment within the <see cref="RoutedAttempt.Token"/> (the attempt's deadlines), calls
    /// <see cref="RoutedAttempt.FirstToken"/> when the first update arrives, and returns once the answer,
    /// or for streams the first update, is in hand.
    /// </summary>
    /// <remarks>
    /// The loop, step by step (the numbers mark the code); where it stands between steps is a <see cref="RouteState"/>:
    /// <list type="number">
    /// <item>Resolve the model group in the lifetime's table snapshot (404 when unknown); the request deposits into the retry and hedge budgets.</item>
    /// <item>Choose: the current group's strategy orders its deployments; those already failed in this group
    /// (<see cref="RouteState.FailedHere"/>), outside the tenant's dedicated set or with an open breaker (here or on
    /// another replica) are skipped, those gone silent (<see cref="FirstTokenSilence"/>) come last; the first with
    /// rpm/tpm capacity is reserved.</item>
    /// <item>Nothing chosen: follow the requested group's fallback chain if a trigger matches
    /// (<see cref="RouteState.WhyNoneChosen"/>, <see cref="RouteState.NextFallback"/>); else retry the same group
    /// after backoff if the last failure is retryable, attempts, retry budget and deadline allow; else the
    /// exhausted error (429, 503 or 504).</item>
    /// <item>A failover (<see cref="RouteState.IsUnpaidFailover"/>: any attempt after the first that no backoff retry
    /// paid for) withdraws from the retry budget.</item>
    /// <item>Attempt through the deployment's breaker, in an attempt span (<see cref="RaceAsync{T}"/>): its first token
    /// within the deployment's first-token deadline (k x its p99, within bounds), the rest within the attempt deadline
    /// (at most what is left of the overall one). A missed deadline is a timeout; an exception of a type no provider
    /// should throw is a retryable server error; both count on the breaker. When hedging is on for the group and the
    /// first token is later than the deployment's Hedging:Quantile (p99), or another attempt found the deployment silent
    /// meanwhile, a hedge starts on another deployment (another Region or
    /// account, breaker not open, capacity reserved, paid from the hedge budget); the first attempt to send a token
    /// wins, the other is abandoned (not counted on its breaker) and its reservation settled as unused.</item>
    /// <item>Served: the winner's route and its reservation pass to the lifetime; done.</item>
    /// <item>Failed: every attempt's reservation is settled as unused. A non-retryable failure falls back when a
    /// larger or unfiltered group may take it, else is the client's error; a retryable one fails over to the
    /// next deployment (back to 2), up to <c>Retry:MaxAttempts</c> (hedges count).</item>
    /// </list>
    /// When the client goes away the cancellation propagates; when the overall deadline passes the request
    /// fails with 504 <c>deadline_exceeded</c>. Any reservation not handed over is settled on the way out.
    /// </remarks>
    private async Task<T> RouteAsync<T>(ChatRequestLifetime lifetime, Func<Deployment, ChatRequestLifetime, RoutedAttempt, Task<T>> attempt)
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
        var route = new RouteState(group);
        retryBudget.OnFirstAttempt();
        hedgeBudget.OnFirstAttempt();

        try
        {
            while (true)
            {
                // 2. Choose a deployment and reserve its capacity.
                var (chosen, reservation, capacitySkips, breakerSkips, freesIn) = await ChooseAsync(route.Current, request, route.FailedHere, options.ResponseTime, span, cancellation);
                route.CapacityFreesIn = Soonest(route.CapacityFreesIn, freesIn);
                if (chosen is null)
                {
                    // 3. Nothing in this group can serve now: its failure, or why everything was skipped, picks the way on.
                    var trigger = route.WhyNoneChosen(capacitySkips);
                    if (route.NextFallback(trigger, table) is { } fallbackGroup)
                    {
                        RouterTelemetry.Decision(span, "fallback", trigger.Name, group: fallbackGroup.Name);
                        route.FallBackTo(fallbackGroup);
                        continue;
                    }

                    if (route.MayRetry(options.Retry.MaxAttempts) && retryBudget.TryWithdraw())
                    {
                        var delay = Backoff(options.Retry, route.PayRetry(), route.LastFailure!.RetryAfter);
                        if (delay < lifetime.Remaining)
                        {
                            RouterTelemetry.Decision(span, "retry", $"{route.LastFailure.Trigger}; backoff {delay.TotalMilliseconds:F0} ms", group: route.Current.Name);
                            await Task.Delay(delay, clock, cancellation);
                            route.Retry();
                            continue;
                        }
                    }

                    throw Exhausted(request.ModelGroup, route.LastFailure, capacitySkips, breakerSkips, route.CapacityFreesIn);
                }

                // 4. A failover draws on the retry budget.
                var remaining = lifetime.Remaining;
                var refusal = route.IsUnpaidFailover && !retryBudget.TryWithdraw() ? Exhausted(request.ModelGroup, route.LastFailure, 0, 0, null)
                    : remaining <= TimeSpan.Zero ? DeadlineExceeded(request.ModelGroup, lifetime.Overall)
                    : null;
                if (refusal is not null)
                {
                    capacity.Settle(chosen, reservation, 0);
                    if (refusal.Code != "deadline_exceeded")
                    {
                        RouterTelemetry.Decision(span, "retry_budget_exhausted", route.LastFailure?.Trigger.Name ?? "unknown", chosen.Name);
                    }

                    throw refusal;
                }

                // 5. The attempt, hedged on another deployment when its first token is late.
                var number = route.StartAttempt();
                var race = await RaceAsync(lifetime, route.Current, route.FellBack, chosen, reservation, number, route.FailedHere, attempt);
                route.CountExtraAttempts(race.ExtraAttempts);
                if (race.Served)
                {
                    // 6. Served: the route and its reservation passed to the lifetime.
                    return race.Value!;
                }

                if (race.Failure is not { } failure)
                {
                    // Only half-open breakers whose probe was taken: no upstream call failed, choose again.
                    continue;
                }

                route.LastFailure = failure;

                // 7. A failed attempt: fall back, give up, or fail over.
                if (!failure.IsRetryable)
                {
                    // A larger model may take a prompt that is too long, another may not filter it: those can fall back.
                    if (failure.Kind is FailureKind.ContextWindowExceeded or FailureKind.ContentFiltered
                        && route.NextFallback(failure.Trigger, table) is { } fallbackGroup)
                    {
                        RouterTelemetry.Decision(span, "fallback", failure.Trigger.Name, group: fallbackGroup.Name);
                        route.FallBackTo(fallbackGroup);
                        continue;
                    }

                    throw ToClientError(failure);
                }

                route.FailedHere.Add(chosen);
                if (route.Attempts >= options.Retry.MaxAttempts)
                {
                    throw Exhausted(request.ModelGroup, failure, 0, 0, null);
                }

                RouterTelemetry.Decision(span, "failover", $"{failure.Trigger}: {failure.ErrorType}", chosen.Name, route.Current.Name);
            }
        }
        catch (OperationCanceledException cancelled) when (lifetime.DeadlineExpired)
        {
            throw DeadlineExceeded(request.ModelGroup, lifetime.Overall, cancelled);
        }
    }

    /// <summary>
    /// Step 5: runs the attempt on <paramref name="chosen"/> and, when its first token is late, a hedge; the
    /// first to send a token serves (its route and reservation go to the lifetime). Every attempt that does not
    /// serve is settled as unused here, whatever happens, the client's going away included.
    /// </summary>
    private async Task<RaceOutcome<T>> RaceAsync<T>(ChatRequestLifetime lifetime, ModelGroup group, bool fellBack, Deployment chosen, CapacityReservation reservation,
        int number, HashSet<Deployment> failedHere, Func<Deployment, ChatRequestLifetime, RoutedAttempt, Task<T>> call)
    {
        var options = lifetime.Table.Options;
        var span = lifetime.Span;
        var runs = new List<(RoutedAttempt Attempt, Task<T> Result)> { Launch(lifetime, chosen, reservation, number, call) };
        var extraAttempts = 0;
        ProviderException? failure = null;
        using var hedgeTimer = new CancellationTokenSource();
        var hedgeAfter = HedgingOn(group, options) && number < options.Retry.MaxAttempts ? chosen.State.Latency.HedgeDelay(options.ResponseTime) : null;
        var hedgeDue = hedgeAfter is { } delay ? Task.Delay(delay, clock, hedgeTimer.Token) : null;
        // Another attempt may find the deployment silent first: then this one hedges without waiting out its own delay.
        var silenced = hedgeDue is not null ? chosen.State.Latency.Silence.Silenced : null;
        try
        {
            while (true)
            {
                if (runs.Count == 1 && hedgeDue is null)
                {
                    // Nothing to race (the usual case): the attempt's end says all its first token would, without a wait list per request.
                    await ((Task)runs[0].Result).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                else
                {
                    await Task.WhenAny(Waits(runs, hedgeDue, silenced));
                }

                if (runs.FindIndex(run => run.Attempt.HasFirstToken) is var won and >= 0)
                {
                    var winner = runs[won];
                    runs.RemoveAt(won);
                    foreach (var loser in runs)
                    {
                        if (loser.Attempt.Deployment == chosen && !loser.Attempt.HasFirstToken)
                        {
                            // The overdue attempt's hedge answered first: evidence that its deployment, not everyone, is slow.
                            Overdue(loser.Attempt, hedgeAfter!.Value, group, options.ResponseTime);
                        }

                        loser.Attempt.Abandon($"{winner.Attempt.Deployment.Name} sent its first token sooner");
                    }

                    await ReleaseAsync(runs);
                    runs = [winner];
                    T value;
                    try
                    {
                        value = await winner.Result;
                    }
                    catch (ProviderException late)
                    {
                        // A whole answer that broke after its first token: nothing reached the client, so it can fail over.
                        runs.Clear();
                        Failed(winner, late);
                        return new(false, default, late, extraAttempts);
                    }

                    runs.Clear();
                    RouterTelemetry.AttemptFinished(winner.Attempt.Deployment.Name, "success");
                    lifetime.Served(new RouteInfo(winner.Attempt.Deployment, group.Name, winner.Attempt.Number, fellBack, winner.Attempt.Reservation));
                    winner.Attempt.Dispose();
                    return new(true, value, null, extraAttempts);
                }

                // Attempts that ended without a first token failed (or found their breaker's probe taken).
                foreach (var ended in runs.Where(run => run.Result.IsCompleted).ToList())
                {
                    runs.Remove(ended);
                    try
                    {
                        await ended.Result;
                    }
                    catch (BrokenCircuitException)
                    {
                        // Half-open and its single probe already taken: not an upstream call.
                        extraAttempts--;
                        failedHere.Add(ended.Attempt.Deployment);
                        RouterTelemetry.Decision(span, "breaker_skip", "half-open probe in progress", ended.Attempt.Deployment.Name);
                        Settle(ended);
                    }
                    catch (ProviderException attemptFailure)
                    {
                        failure = attemptFailure;
                        Failed(ended, attemptFailure);
                    }
                    catch
                    {
                        runs.Add(ended); // settled on the way out
                        throw;
                    }
                }

                if (runs.Count == 0)
                {
                    return new(false, default, failure, extraAttempts);
                }

                if (hedgeDue is not null && (hedgeDue.IsCompleted || silenced!.IsCompleted))
                {
                    string reason;
                    if (hedgeDue.IsCompleted)
                    {
                        reason = $"no first token from {chosen.Name} after {hedgeAfter!.Value.TotalMilliseconds:F0} ms, its p{options.ResponseTime.Hedging.Quantile * 100:0.##} first-token time";
                        Overdue(runs[0].Attempt, hedgeAfter.Value, group, options.ResponseTime);
                    }
                    else
                    {
                        reason = $"{chosen.Name} went silent: another attempt's first token is overdue and none came since";
                        await hedgeTimer.CancelAsync();
                    }

                    hedgeDue = null;
                    silenced = null;
                    if (await HedgeAsync(lifetime, group, runs, number + extraAttempts + 1, failedHere, reason, call) is { } hedge)
                    {
                        extraAttempts++;
                        runs.Add(hedge);
                    }
                }
            }
        }
        finally
        {
            await hedgeTimer.CancelAsync();
            foreach (var run in runs)
            {
                run.Attempt.Abandon("the request ended");
            }

            await ReleaseAsync(runs);
        }

        void Failed((RoutedAttempt Attempt, Task<T> Result) run, ProviderException attemptFailure)
        {
            if (attemptFailure.Kind == FailureKind.Timeout && !run.Attempt.HasFirstToken)
            {
                Overdue(run.Attempt, run.Attempt.FirstTokenDeadline, group, options.ResponseTime);
            }

            failedHere.Add(run.Attempt.Deployment);
            RecordFailure(run.Attempt.Deployment, run.Attempt.Span, attemptFailure);
            Settle(run);
        }
    }

    /// <summary>What a race wakes on: each attempt's first token and end, the hedge timer and the deployment's going silent.</summary>
    private static List<Task> Waits<T>(List<(RoutedAttempt Attempt, Task<T> Result)> runs, Task? hedgeDue, Task? silenced)
    {
        var waits = new List<Task>(runs.Count * 2 + 2);
        foreach (var run in runs)
        {
            waits.Add(run.Attempt.FirstTokenArrived);
            waits.Add(run.Result);
        }

        if (hedgeDue is not null)
        {
            waits.Add(hedgeDue);
            waits.Add(silenced!);
        }

        return waits;
    }

    /// <summary>Starts a hedge beside the running attempts if another deployment can take it and the hedge budget pays for it.</summary>
    private async Task<(RoutedAttempt Attempt, Task<T> Result)?> HedgeAsync<T>(ChatRequestLifetime lifetime, ModelGroup group, List<(RoutedAttempt Attempt, Task<T> Result)> runs,
        int number, HashSet<Deployment> failedHere, string reason, Func<Deployment, ChatRequestLifetime, RoutedAttempt, Task<T>> call)
    {
        var span = lifetime.Span;
        var slow = runs[0].Attempt.Deployment;
        if (lifetime.Remaining <= TimeSpan.Zero)
        {
            return null;
        }

        // Never the same deployment, nor one that shares its fate (same provider, account and Region).
        var excluded = new HashSet<Deployment>(failedHere);
        excluded.UnionWith(group.Deployments.Where(candidate => runs.Any(run => SharesFate(run.Attempt.Deployment, candidate))));
        var (hedge, reservation, _, _, _) = await ChooseAsync(group, lifetime.UpstreamRequest, excluded, lifetime.Table.Options.ResponseTime, span, lifetime.Cancellation, forHedge: true);
        if (hedge is null)
        {
            RouterTelemetry.Decision(span, "hedge_skipped", "no other Region or account can take a hedge", slow.Name, group.Name);
            return null;
        }

        if (!hedgeBudget.TryWithdraw())
        {
            capacity.Settle(hedge, reservation, 0);
            RouterTelemetry.Decision(span, "hedge_budget_exhausted", reason, hedge.Name, group.Name);
            return null;
        }

        RouterTelemetry.Decision(span, "hedge", reason, hedge.Name, group.Name);
        var run = Launch(lifetime, hedge, reservation, number, call);
        RouterTelemetry.HedgeStarted(run.Attempt.Span, reason);
        return run;
    }

    private static bool SharesFate(Deployment a, Deployment b) =>
        a == b || a.Provider == b.Provider && a.Options.Account == b.Options.Account && a.Options.Region == b.Options.Region;

    private static bool HedgingOn(ModelGroup group, Configuration.RoutingOptions options) =>
        options.ModelGroups.TryGetValue(group.Name, out var configured) && configured.Hedging is { } on ? on : options.ResponseTime.Hedging.Enabled;

    /// <summary>Starts an attempt in its own span (a child of the request's, which stays the current one here).</summary>
    private (RoutedAttempt Attempt, Task<T> Result) Launch<T>(ChatRequestLifetime lifetime, Deployment deployment, CapacityReservation reservation, int number,
        Func<Deployment, ChatRequestLifetime, RoutedAttempt, Task<T>> call)
    {
        var options = lifetime.Table.Options;
        var attemptTimeout = options.Timeouts.Attempt;
        var previous = Activity.Current;
        var span = RouterTelemetry.StartAttempt(deployment.Tags, number);
        var attempt = new RoutedAttempt(deployment, reservation, number, span,
            deployment.State.Latency.FirstTokenDeadline(options.ResponseTime, attemptTimeout), attemptTimeout, lifetime.Remaining, lifetime.Cancellation, clock);
        // The call runs with its attempt span current (its provider's spans and events nest under it) ...
        var result = RunAsync(attempt, lifetime, call);
        // ... while routing goes on under the request's span.
        Activity.Current = previous;
        return (attempt, result);
    }

    /// <summary>One upstream call through the deployment's breaker.</summary>
    private static async Task<T> RunAsync<T>(RoutedAttempt attempt, ChatRequestLifetime lifetime, Func<Deployment, ChatRequestLifetime, RoutedAttempt, Task<T>> call)
    {
        var state = attempt.Deployment.State;
        state.Enter();
        try
        {
            return await state.Breaker.ExecuteAsync(
                static async (context, token) =>
                {
                    try
                    {
                        var value = await context.call(context.attempt.Deployment, context.lifetime, context.attempt);
                        context.attempt.FirstToken();
                        return value;
                    }
                    catch (Exception e) when (context.lifetime.ClientGone || context.lifetime.DeadlineExpired)
                    {
                        // The client left or the overall deadline passed: whatever the provider made of the
                        // cancellation, it is no fault of the deployment's and the breaker must not count it.
                        throw new OperationCanceledException("The request was cancelled.", e, context.lifetime.Cancellation);
                    }
                    catch (Exception e) when (context.attempt.Abandoned)
                    {
                        // Another attempt won the race: no fault of this deployment's either.
                        throw new OperationCanceledException("Another attempt sent its first token sooner.", e, token);
                    }
                    catch (OperationCanceledException)
                    {
                        // A deadline fired (first token or whole attempt): a timeout the breaker must count, so a hung deployment gets skipped.
                        throw context.attempt.TimedOut();
                    }
                },
                (call, attempt, lifetime),
                attempt.Token);
        }
        finally
        {
            state.Exit();
        }
    }

    /// <summary>Waits for abandoned attempts to end, then lets go of whatever they got and settles their reservations as unused.</summary>
    private async Task ReleaseAsync<T>(List<(RoutedAttempt Attempt, Task<T> Result)> runs)
    {
        foreach (var run in runs)
        {
            try
            {
                // A stream that started just as its attempt lost is nobody's: close it.
                if (await run.Result is IAsyncDisposable started)
                {
                    await started.DisposeAsync();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ProviderException or BrokenCircuitException)
            {
                // Abandoned: its outcome serves nobody.
            }
            finally
            {
                Settle(run);
            }
        }

        runs.Clear();
    }

    private void Settle<T>((RoutedAttempt Attempt, Task<T> Result) run)
    {
        capacity.Settle(run.Attempt.Deployment, run.Attempt.Reservation, 0);
        run.Attempt.Dispose();
    }

    private async Task<(Deployment? Chosen, CapacityReservation Reservation, int CapacitySkips, int BreakerSkips, TimeSpan? CapacityFreesIn)> ChooseAsync(
        ModelGroup group, RouteRequest request, HashSet<Deployment> failedHere, ResponseTimeOptions responseTime, Activity? span, CancellationToken cancellationToken,
        bool forHedge = false)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        int capacitySkips = 0, breakerSkips = 0;
        TimeSpan? freesIn = null;
        // A hedge is there to save time: the best median first token goes first (unmeasured ones last), whatever
        // the group's strategy would pick for a request of its own.
        var ordered = forHedge
            ? group.Deployments.OrderBy(d => d.State.Latency.TimeToFirstTokenMs.Quantile(0.5) ?? double.MaxValue)
            : group.Ordered();
        foreach (var deployment in SilentLast(ordered, group.Name, responseTime.SilenceDemotion, span))
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

    /// <summary>An order of the group's deployments with the silent ones (<see cref="FirstTokenSilence"/>) moved last, each demotion a decision on the span.</summary>
    private static IEnumerable<Deployment> SilentLast(IEnumerable<Deployment> ordered, string group, TimeSpan demotion, Activity? span)
    {
        List<Deployment>? silent = null;
        foreach (var deployment in ordered)
        {
            if (deployment.State.Latency.Silence.IsSilent(demotion))
            {
                RouterTelemetry.Decision(span, "silence_demoted", "an attempt's first token was overdue and none came since: tried last", deployment.Name, group);
                (silent ??= []).Add(deployment);
                continue;
            }

            yield return deployment;
        }

        foreach (var deployment in silent ?? [])
        {
            yield return deployment;
        }
    }

    /// <summary>An attempt overdue for its first token: the deployment may have gone silent, which is logged once per finding.</summary>
    private void Overdue(RoutedAttempt attempt, TimeSpan waited, ModelGroup group, ResponseTimeOptions responseTime)
    {
        var peers = group.Deployments.Where(other => other != attempt.Deployment).Select(other => other.State.Latency.Silence);
        if (attempt.Deployment.State.Latency.Silence.Overdue(attempt.Started, waited, responseTime.SilenceDemotion, peers))
        {
            LogSilent(attempt.Deployment.Name, waited.TotalMilliseconds, responseTime.SilenceDemotion.TotalSeconds);
        }
    }

    private static TimeSpan? Soonest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private void RecordFailure(Deployment deployment, Activity? attemptSpan, ProviderException failure)
    {
        attemptSpan?.SetStatus(ActivityStatusCode.Error, failure.ErrorType);
        attemptSpan?.SetTag("error.type", failure.ErrorType);
        attemptSpan?.SetTag("http.response.status_code", failure.StatusCode);
        if (failure.InnerException is { } inner)
        {
            attemptSpan?.AddException(inner);
        }

        RouterTelemetry.AttemptFinished(deployment.Name, failure.Trigger.Name);
        LogAttemptFailed(deployment.Name, failure.Kind, failure.Message);
    }

    /// <summary>What an attempt race came to: served (the value), or failed (the last failure; none when only half-open breakers refused).</summary>
    private readonly record struct RaceOutcome<T>(bool Served, T? Value, ProviderException? Failure, int ExtraAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment} went silent: no first token after {WaitedMs:F0} ms and none from the attempts started around it; tried last for up to {DemotionSeconds:F0} s")]
    private partial void LogSilent(string deployment, double waitedMs, double demotionSeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Attempt on {Deployment} failed: {Kind} {Reason}")]
    private partial void LogAttemptFailed(string deployment, FailureKind kind, string reason);

    /// <summary>Capped exponential backoff with full jitter, never shorter than the provider's Retry-After.</summary>
    public static TimeSpan Backoff(Configuration.RetryOptions retry, int round, TimeSpan? retryAfter)
    {
        var exponential = retry.BaseDelay * Math.Pow(2, Math.Min(round, 20));
        var jittered = (exponential < retry.MaxDelay ? exponential : retry.MaxDelay) * Random.Shared.NextDouble();
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

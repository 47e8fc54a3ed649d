using System.Globalization;
using Microsoft.Extensions.Options;
using Switchyard.Admission;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tenancy;

/// <summary>
/// The Router's side of tenant isolation: API key to tenant (401 for a missing, unknown or revoked
/// key), admission against the tenant's limits in one Redis round trip (429 with Retry-After and
/// OpenAI's x-ratelimit-* headers when over), the tenant's tier and dedicated deployments applied to
/// routing, and settlement of actual usage after the response has gone out. With tenancy turned off
/// (<see cref="TenancyOptions.Enabled"/>) every request passes without a key or a ticket.
/// </summary>
public sealed class TenantGate(ITenantAdmission admission, SigV4Authenticator sigV4, RoutingTableProvider tables, IOptionsMonitor<TenancyOptions> options, ILogger<TenantGate> logger)
{
    /// <summary>Share of a deployment's capacity batch-tier requests may fill, so they are shed before interactive ones.</summary>
    public const double BatchCapacityShare = 0.8;

    /// <summary>The tenant the request's API key belongs to; null when tenancy is off.</summary>
    public async ValueTask<TenantDefinition?> AuthenticateAsync(HttpContext http)
    {
        if (!options.CurrentValue.Enabled)
        {
            return null;
        }

        // Anthropic's clients send the key as x-api-key (ANTHROPIC_API_KEY) or as a bearer token (ANTHROPIC_AUTH_TOKEN).
        var authorization = http.Request.Headers.Authorization.ToString();
        if (SigV4Authenticator.IsSigV4(authorization))
        {
            return await sigV4.AuthenticateAsync(http, authorization);
        }

        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : http.Request.Headers["x-api-key"].ToString().Trim();
        if (key.Length == 0)
        {
            throw new RoutingException(401, "invalid_request_error", "missing_api_key",
                "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
        }

        var resolution = await admission.ResolveKeyAsync(key, http.RequestAborted);
        return resolution.Status switch
        {
            KeyStatus.Found => resolution.Tenant!,
            KeyStatus.Unavailable => throw new RoutingException(503, "service_unavailable", "tenant_store_unavailable",
                "The API key could not be checked right now; retry shortly.", TimeSpan.FromSeconds(1)),
            KeyStatus.Revoked => throw new RoutingException(401, "invalid_request_error", "invalid_api_key", "The API key has been revoked."),
            _ => throw new RoutingException(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
        };
    }

    /// <summary>
    /// Admits the request for the tenant or throws the 403/429 the client gets. On admission the
    /// returned request carries the tenant's routing constraints, and settlement is scheduled for
    /// when the response has been sent. Without a tenant (tenancy off) the request passes unchanged.
    /// </summary>
    public async ValueTask<(RouteRequest Request, TenantTicket? Ticket)> AdmitAsync(HttpContext http, TenantDefinition? tenant, RouteRequest request)
    {
        if (tenant is null)
        {
            return (request, null);
        }

        // Admission refuses absurd reservations as an argument error; here that is the client's 400.
        if (request.ReservedTokens < 1 || request.ReservedTokens > AdmissionBounds.MaxTokens)
        {
            throw RoutingException.InvalidRequest(
                $"The request would reserve {request.ReservedTokens} tokens (input estimate plus max_tokens); at most {AdmissionBounds.MaxTokens} are allowed.", "max_tokens");
        }

        // The concurrency lease lasts as long as the request may (its overall deadline), not a fixed time: a lease
        // that outlived a crashed request would hold a slot, one that expired mid-stream would free a slot in use.
        var deadline = tables.Current.Options.Timeouts.Overall;
        var decision = await admission.AdmitAsync(tenant, new AdmissionRequest(request.ModelGroup, request.ReservedTokens) { LeaseTimeout = deadline }, http.RequestAborted);
        WriteRateLimitHeaders(http.Response.Headers, decision.RateLimits);
        if (decision.Degraded)
        {
            http.Response.Headers["x-switchyard-admission"] = "local";
        }

        if (decision.Lease is not { } lease)
        {
            throw Rejection(tenant, request.ModelGroup, decision);
        }

        var ticket = new TenantTicket(admission, lease, logger);
        // Not awaited: Kestrel runs OnCompleted callbacks before it reads the connection's next request,
        // so awaiting the settlement's store round trip would delay every keep-alive client's next call.
        http.Response.OnCompleted(static state =>
        {
            _ = ((TenantTicket)state).FinishAsync();
            return Task.CompletedTask;
        }, ticket);
        var constrained = request with
        {
            AllowedDeployments = DedicatedDeployments(tenant),
            CapacityShare = tenant.Tier == TenantTier.Batch ? BatchCapacityShare : 1.0,
        };
        return (constrained, ticket);
    }

    private IReadOnlySet<string>? DedicatedDeployments(TenantDefinition tenant)
    {
        if (tenant.DedicatedDeployments.Count == 0 && tenant.DedicatedAccounts.Count == 0)
        {
            return null;
        }

        return tables.Current.Groups.Values.SelectMany(g => g.Deployments)
            .Where(d => tenant.DedicatedDeployments.Contains(d.Name) || tenant.DedicatedAccounts.Contains(d.Options.Account))
            .Select(d => d.Name)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static RoutingException Rejection(TenantDefinition tenant, string modelGroup, AdmissionDecision decision)
    {
        var limits = tenant.Limits;
        var wait = decision.RetryAfter;
        return decision.Reason switch
        {
            RejectionReason.ModelNotAllowed => new RoutingException(403, "permission_error", "model_not_allowed",
                $"Tenant '{tenant.Id}' may not use the model '{modelGroup}'."),
            RejectionReason.RequestsPerMinute => RateLimited("requests", $"Rate limit reached for requests per minute (RPM): limit {limits.RequestsPerMinute}.", wait),
            RejectionReason.TokensPerMinute => RateLimited("tokens", $"Rate limit reached for tokens per minute (TPM): limit {limits.TokensPerMinute}.", wait),
            RejectionReason.Concurrency => RateLimited("requests", $"Too many concurrent requests: limit {limits.MaxConcurrency}.", wait),
            RejectionReason.DailyTokenBudget => new RoutingException(429, "insufficient_quota", "insufficient_quota",
                $"The daily token budget of {limits.DailyTokenBudget} is used up.", wait),
            _ => new RoutingException(429, "insufficient_quota", "insufficient_quota",
                $"The monthly spend budget of {limits.MonthlySpendBudgetUsd} USD is used up.", wait),
        };

        static RoutingException RateLimited(string type, string message, TimeSpan wait) =>
            new(429, type, "rate_limit_exceeded", $"{message} Please try again in {FormatDuration(wait)}.", wait);
    }

    private static void WriteRateLimitHeaders(IHeaderDictionary headers, RateLimitSnapshot limits)
    {
        if (limits.LimitRequests is { } requestLimit)
        {
            headers["x-ratelimit-limit-requests"] = requestLimit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = (limits.RemainingRequests ?? 0).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = FormatDuration(limits.ResetRequests);
        }

        if (limits.LimitTokens is { } tokenLimit)
        {
            headers["x-ratelimit-limit-tokens"] = tokenLimit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = (limits.RemainingTokens ?? 0).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = FormatDuration(limits.ResetTokens);
        }
    }

    /// <summary>OpenAI's duration format in rate-limit headers: "20ms", "1.5s", "6m0s".</summary>
    public static string FormatDuration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => $"{Math.Max(0, (int)duration.TotalMilliseconds)}ms",
        { TotalMinutes: < 1 } => $"{Math.Round(duration.TotalSeconds, 3).ToString(CultureInfo.InvariantCulture)}s",
        _ => $"{(int)duration.TotalMinutes}m{duration.Seconds}s",
    };
}

using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.Admission;

namespace Switchyard.QuotaService.Apis;

/// <summary>
/// Admission over HTTP for callers that cannot use the library in-process: the same decisions as
/// the Router's, authenticated by the tenant's own API key. Settlement and release name the lease by
/// id; the tenant is the key's, so another tenant's lease is simply unknown here.
/// </summary>
public static class AdmissionApi
{
    public static IEndpointRouteBuilder MapAdmissionApi(this IEndpointRouteBuilder endpoints)
    {
        var admission = endpoints.MapGroup("/v1/admission");
        admission.MapPost("/admit", AdmitAsync);
        admission.MapPost("/settle", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (SettleRequest body, ITenantAdmission admission, HttpResponse response, CancellationToken ct) =>
        {
            var usage = new UsageReport(body.InputTokens, body.OutputTokens, body.CostUsd);
            if (LeaseIdErrors(body.LeaseId).Concat(AdmissionBounds.Validate(usage)).ToList() is { Count: > 0 } errors)
            {
                return ApiError.Invalid(errors);
            }

            var resolution = await admission.ResolveKeyAsync(body.ApiKey ?? "", ct);
            return resolution.Tenant is { } tenant
                ? Finished(await admission.SettleAsync(tenant.Id, body.LeaseId!, usage, ct), response)
                : KeyError(resolution.Status, response);
        });
        admission.MapPost("/release", async Task<Results<NoContent, JsonHttpResult<ApiError>>> (ReleaseRequest body, ITenantAdmission admission, HttpResponse response, CancellationToken ct) =>
        {
            if (LeaseIdErrors(body.LeaseId) is { Count: > 0 } errors)
            {
                return ApiError.Invalid(errors);
            }

            var resolution = await admission.ResolveKeyAsync(body.ApiKey ?? "", ct);
            return resolution.Tenant is { } tenant
                ? Finished(await admission.ReleaseAsync(tenant.Id, body.LeaseId!, ct), response)
                : KeyError(resolution.Status, response);
        });
        return endpoints;
    }

    private static async Task<Results<Ok<AdmitResponse>, JsonHttpResult<AdmitResponse>, JsonHttpResult<ApiError>>> AdmitAsync(
        AdmitRequest body, ITenantAdmission admission, HttpResponse response, CancellationToken ct)
    {
        var request = new AdmissionRequest(body.ModelGroup ?? "", body.ReservedTokens)
        {
            LeaseId = body.LeaseId,
            LeaseTimeout = body.LeaseTimeoutMs is { } ms ? TimeSpan.FromMilliseconds(Math.Clamp(ms, 0, (long)TimeSpan.FromDays(1).TotalMilliseconds)) : null,
        };
        if (AdmissionBounds.Validate(request) is { Count: > 0 } errors)
        {
            return ApiError.Invalid(errors);
        }

        var resolution = await admission.ResolveKeyAsync(body.ApiKey ?? "", ct);
        if (resolution.Tenant is not { } tenant)
        {
            return KeyError(resolution.Status, response);
        }

        AdmissionDecision decision;
        try
        {
            decision = await admission.AdmitAsync(tenant, request, ct);
        }
        catch (LeaseConflictException conflict)
        {
            return ApiError.Result(StatusCodes.Status409Conflict, "conflict", conflict.Message);
        }

        var result = AdmitResponse.From(decision);
        if (decision.Admitted)
        {
            return TypedResults.Ok(result);
        }

        response.Headers.RetryAfter = Math.Ceiling(decision.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var status = decision.Reason == RejectionReason.ModelNotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status429TooManyRequests;
        return TypedResults.Json(result, QuotaJsonContext.Default.AdmitResponse, statusCode: status);
    }

    private static List<string> LeaseIdErrors(string? leaseId) =>
        AdmissionBounds.IsValidLeaseId(leaseId) ? [] : ["leaseId is required: 8-64 characters of A-Z, a-z, 0-9, '_' or '-'."];

    private static Results<NoContent, JsonHttpResult<ApiError>> Finished(LeaseOutcome outcome, HttpResponse response) => outcome switch
    {
        LeaseOutcome.Applied => TypedResults.NoContent(),
        LeaseOutcome.Unknown => ApiError.NotFound("Lease"),
        LeaseOutcome.AlreadyFinished => ApiError.Result(StatusCodes.Status409Conflict, "conflict", "The lease was already settled or released."),
        _ => Unavailable(response),
    };

    private static JsonHttpResult<ApiError> KeyError(KeyStatus status, HttpResponse response) => status == KeyStatus.Unavailable
        ? Unavailable(response)
        : ApiError.Result(StatusCodes.Status401Unauthorized, "authentication_error",
            status == KeyStatus.Revoked ? "The API key was revoked." : "A valid API key is required.");

    // Settlement and release apply at most once, so retrying after this is always safe.
    private static JsonHttpResult<ApiError> Unavailable(HttpResponse response)
    {
        response.Headers.RetryAfter = "1";
        return ApiError.Result(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "The quota store is unavailable; try again shortly.");
    }
}

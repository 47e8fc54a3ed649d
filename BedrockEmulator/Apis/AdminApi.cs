using Microsoft.AspNetCore.Http.HttpResults;
using Switchyard.BedrockEmulator.Admin;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Quotas;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Apis;

/// <summary>The admin API (admin endpoint only): faults, invocation log, quotas, settings and a full reset.</summary>
internal static class AdminApi
{
    private const int DefaultInvocationLimit = 1000;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter<AdminEndpointFilter>();

        admin.MapGet("/faults", (FaultRegistry faults) => TypedResults.Ok(faults.Active));
        admin.MapPost("/faults", AddFault);
        admin.MapDelete("/faults/{id}", Results<NoContent, NotFound> (string id, FaultRegistry faults) =>
            faults.Remove(id) ? TypedResults.NoContent() : TypedResults.NotFound());
        admin.MapDelete("/faults", (FaultRegistry faults) =>
        {
            faults.Clear();
            return TypedResults.NoContent();
        });

        admin.MapGet("/invocations", (InvocationLog log, DateTimeOffset? since, string? account, string? region, string? model, int? limit) =>
            TypedResults.Ok(log.Query(new InvocationQuery(since, account, region, model, limit ?? DefaultInvocationLimit))));
        admin.MapDelete("/invocations", (InvocationLog log) =>
        {
            log.Clear();
            return TypedResults.NoContent();
        });

        admin.MapGet("/quotas", (QuotaLimiter quotas, AccountRegistry accounts) => TypedResults.Ok(quotas.Snapshot(accounts.All.Select(a => a.Name)).ToList()));
        admin.MapPut("/quotas", SetQuota);
        admin.MapPost("/quotas/reset", (QuotaLimiter quotas) =>
        {
            quotas.ResetWindows();
            return TypedResults.NoContent();
        });

        admin.MapGet("/settings", (EmulatorSettings settings) => TypedResults.Ok(new SettingsDocument(settings.LatencyEnabled, settings.QuotasEnabled)));
        admin.MapPut("/settings", (SettingsDocument update, EmulatorSettings settings) =>
        {
            settings.LatencyEnabled = update.LatencyEnabled ?? settings.LatencyEnabled;
            settings.QuotasEnabled = update.QuotasEnabled ?? settings.QuotasEnabled;
            return TypedResults.Ok(new SettingsDocument(settings.LatencyEnabled, settings.QuotasEnabled));
        });

        admin.MapPost("/reset", (FaultRegistry faults, QuotaLimiter quotas, InvocationLog log) =>
        {
            faults.Clear();
            quotas.ClearOverrides();
            quotas.ResetWindows();
            log.Clear();
            return TypedResults.NoContent();
        });

        return app;
    }

    private static Results<Created<Fault>, BadRequest<AdminError>> AddFault(FaultRequest request, FaultRegistry faults, AccountRegistry accounts)
    {
        if (FaultError(request, accounts) is { } error)
        {
            return TypedResults.BadRequest(new AdminError(error));
        }

        var fault = faults.Add(request.Kind!.Value, request.Region, request.Model, request.Account, request.Rate ?? 1, request.LatencyMs ?? 0, request.AfterEvents, request.DurationSeconds);
        return TypedResults.Created($"/admin/faults/{fault.Id}", fault);
    }

    private static string? FaultError(FaultRequest request, AccountRegistry accounts) => request switch
    {
        { Kind: null } => "kind is required: outage, error-rate, throttle, latency, hang, stream-cut or model-not-ready.",
        { Region: { } region } when RegionCatalog.Find(region) is null => $"unknown Region '{region}'.",
        { Model: { } model } when ModelCatalog.FindModel(model) is null && !ModelCatalog.Profiles.Any(p => p.Id == model) => $"unknown model or inference profile '{model}'.",
        { Account: { } account } when !accounts.Exists(account) => $"unknown account '{account}'.",
        { Rate: < 0 or > 1 } => "rate must be between 0 and 1.",
        { Kind: FaultKind.Latency, LatencyMs: null or < 1 } => "a latency fault needs latencyMs of at least 1.",
        { AfterEvents: < 0 } => "afterEvents must not be negative.",
        { DurationSeconds: < 1 } => "durationSeconds must be at least 1.",
        _ => null,
    };

    private static Results<Ok<QuotaOverride>, BadRequest<AdminError>> SetQuota(QuotaOverride quota, QuotaLimiter quotas, AccountRegistry accounts)
    {
        var errors = EmulatorOptionsValidator.QuotaOverrideErrors(quota, accounts.All.Select(a => a.Name)).ToList();
        if (errors.Count > 0)
        {
            return TypedResults.BadRequest(new AdminError(string.Join(" ", errors)));
        }

        quotas.SetOverride(quota);
        return TypedResults.Ok(quota);
    }
}

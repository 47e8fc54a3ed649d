using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Configuration;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Generation;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Quotas;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Inference;

/// <summary>
/// What every API does around the answer itself: choose the serving Region, apply faults, reserve
/// quota, and at the end settle the quota and log the invocation.
/// </summary>
internal sealed class InvocationPipeline(
    CrossRegionRouter crossRegion, FaultRegistry faults, QuotaLimiter quotas, InvocationLog log, EmulatorSettings settings, TimeProvider time)
{
    /// <summary>Status logged for a request whose client went away before the answer (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public Invocation Start(string api, EmulatedRegion sourceRegion, string requestedModel) =>
        new(api, sourceRegion, requestedModel, time.GetUtcNow());

    /// <summary>
    /// Admits a valid request for <paramref name="target"/>: null when it may be served, else the
    /// error to answer with (fault or quota).
    /// </summary>
    public EmulatorError? Admit(Invocation invocation, EmulatedAccount account, ModelTarget target, in PromptMeter prompt, int? maxTokens, bool streaming)
    {
        var model = target.Model;
        invocation.Account = account;
        invocation.Model = model;
        invocation.InputTokens = prompt.InputTokens;
        if (maxTokens > model.MaxOutputTokens)
        {
            return EmulatorError.Validation(
                $"The maximum tokens you requested exceeds the model limit of {model.MaxOutputTokens}. Try again with a maximum tokens value that is lower than {model.MaxOutputTokens}.");
        }

        var reservedOutput = maxTokens ?? model.MaxOutputTokens;
        invocation.Completion = Completion.Continuing(prompt, reservedOutput, out var prefilledChars);
        invocation.PrefilledChars = prefilledChars;
        invocation.ServedRegion = target.Profile is { } profile ? crossRegion.Pick(profile, account.Name) : invocation.SourceRegion;

        var effects = faults.Evaluate(new FaultScope(account.Name, invocation.SourceRegion.Name, invocation.ServedRegion.Name, model.Id, invocation.RequestedModel), streaming);
        invocation.Faults = effects;
        if (effects.Error is { } injected)
        {
            return new EmulatorError(injected, FaultMessage(injected));
        }

        if (settings.QuotasEnabled)
        {
            var verdict = quotas.Reserve(account.Name, invocation.ServedRegion.Name, model, prompt.InputTokens + (long)reservedOutput, out var reservation);
            if (verdict != QuotaVerdict.Granted)
            {
                return new EmulatorError(ErrorKind.Throttling,
                    verdict == QuotaVerdict.TooManyTokens ? "Too many tokens, please wait before trying again." : "Too many requests, please wait before trying again.");
            }

            invocation.Reservation = reservation;
        }

        return null;
    }

    /// <summary>Settles the quota to the tokens really used and logs the invocation.</summary>
    public void Finish(Invocation invocation, string outcome, int statusCode)
    {
        if (invocation.Reservation is { } reservation)
        {
            quotas.Settle(reservation, invocation.InputTokens + ((long)invocation.OutputTokensSent * invocation.Model!.OutputBurndown));
        }

        log.Add(new InvocationRecord(
            invocation.Time, invocation.RequestId, invocation.Account?.Name, invocation.ServedRegion.Name, invocation.SourceRegion.Name,
            invocation.Model?.Id, invocation.RequestedModel, invocation.Api, invocation.InputTokens, invocation.OutputTokensSent,
            outcome, statusCode, invocation.ElapsedMs));
    }

    /// <summary>Logs a request that failed; <paramref name="statusCode"/> when the API answers with another status than Bedrock's.</summary>
    public void Fail(Invocation invocation, in EmulatorError error, int? statusCode = null) =>
        Finish(invocation, error.Kind.Outcome(), statusCode ?? error.Kind.StatusCode());

    /// <summary>Bedrock's own wording for each injectable failure.</summary>
    public static string FaultMessage(ErrorKind kind) => kind switch
    {
        ErrorKind.ServiceUnavailable => "Bedrock is unable to process your request.",
        ErrorKind.Throttling => "Too many requests, please wait before trying again.",
        ErrorKind.ModelNotReady => "Model is not ready to serve inference requests. Try again later.",
        ErrorKind.ModelStreamError => "The model stream was interrupted. Try your request again.",
        _ => "The system encountered an unexpected error during processing. Try your request again.",
    };
}

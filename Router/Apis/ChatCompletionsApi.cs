using System.Diagnostics;
using Microsoft.Extensions.AI;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Routing;
using Switchyard.Router.Telemetry;
using Switchyard.Router.Tenancy;

namespace Switchyard.Router.Apis;

/// <summary>The OpenAI-compatible front door: POST /v1/chat/completions and GET /v1/models, also without /v1.</summary>
public static class ChatCompletionsApi
{
    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        // OpenAI clients are configured with a base URL with or without /v1 (the reference sample's
        // scripts use "http://localhost:4000"): both serve the same handlers.
        foreach (var prefix in (string[])["/v1", "/"])
        {
            var api = app.MapGroup(prefix).WithTags("OpenAI");
            api.MapPost("/chat/completions", CreateChatCompletionAsync);
            api.MapGet("/models", ListModels);
        }

        return app;
    }

    private static ModelList ListModels(RoutingTableProvider tables) => new()
    {
        Data = [.. tables.Current.Groups.Keys.Order(StringComparer.Ordinal).Select(name => new ModelEntry { Id = name })],
    };

    private static async Task<IResult> CreateChatCompletionAsync(
        HttpContext http, ChatRouter router, CapacityLimiter capacity, RoutingTableProvider tables, TenantGate tenants)
    {
        var started = Stopwatch.GetTimestamp();
        var table = tables.Current;
        var options = table.Options;
        var cancellation = http.RequestAborted;
        ChatCompletionRequest? wire = null;
        RouteRequest request;
        TenantTicket? ticket;
        try
        {
            var tenant = await tenants.AuthenticateAsync(http);
            wire = await ChatRequestReader.ReadAsync(http, options.MaxRequestBodyBytes);
            // Every check that needs no store runs before admission: a refused request costs the tenant nothing.
            var mapped = ChatRequestMapper.Map(wire, group => table.Groups.TryGetValue(group, out var found) ? found.MaxOutputTokens : null);
            (request, ticket) = await tenants.AdmitAsync(http, tenant, mapped);
        }
        catch (RoutingException refused)
        {
            RouterTelemetry.RequestRefused(table, wire?.Model, refused.Code, Stopwatch.GetElapsedTime(started));
            return OpenAIErrorResult.From(refused);
        }

        var streaming = wire.Stream == true;
        var span = RouterTelemetry.StartRequest(request.ModelGroup, streaming);
        if (options.RecordContent)
        {
            RouterTelemetry.RecordInput(span, request.Messages);
        }

        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var overall = TimeSpan.FromSeconds(options.Timeouts.OverallSeconds);
        try
        {
            if (!streaming)
            {
                var routed = await router.RouteAsync(request, span,
                    (deployment, deadline) => deployment.Client.GetResponseAsync(request.Messages, request.Options, deadline), cancellation);
                var model = routed.Route.Deployment.Options.Model;
                if (options.RecordContent)
                {
                    RouterTelemetry.RecordOutput(span, routed.Value.Text);
                }

                Complete(span, routed.Route, capacity, ticket, routed.Value.Usage, request.ModelGroup, started, "success");
                WriteRouteHeaders(http.Response, routed.Route, span);
                return TypedResults.Json(ChatResponseMapper.ToCompletion(id, model, routed.Value), OpenAIJsonContext.Default.ChatCompletionResponse);
            }

            var primed = await router.RouteAsync(request, span,
                (deployment, deadline) => PrimedStream.StartAsync(deployment, request, deadline, cancellation, overall), cancellation);
            RouterTelemetry.FirstToken(request.ModelGroup, Stopwatch.GetElapsedTime(started));
            WriteRouteHeaders(http.Response, primed.Route, span);
            return new ChatCompletionStreamResult(id, primed.Route.Deployment.Options.Model, primed.Value, wire.StreamOptions?.IncludeUsage == true, options.RecordContent,
                outcome =>
                {
                    if (outcome.Text is not null)
                    {
                        RouterTelemetry.RecordOutput(span, outcome.Text);
                    }

                    Complete(span, primed.Route, capacity, ticket, outcome.Usage, request.ModelGroup, started, outcome.Interrupted ? "stream_interrupted" : "success");
                });
        }
        catch (RoutingException failure)
        {
            span?.SetTag("error.type", failure.Code);
            Fail(span, request.ModelGroup, failure.Code, started);
            return OpenAIErrorResult.From(failure);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away: end the span so the trace shows it rather than losing it.
            Fail(span, request.ModelGroup, "client_closed", started);
            throw;
        }
        catch (Exception unexpected)
        {
            // OpenAIExceptionHandler answers the 500; the span must still end, or the trace of the failure is lost.
            span?.SetTag("error.type", unexpected.GetType().FullName);
            Fail(span, request.ModelGroup, "server_error", started);
            throw;
        }
    }

    private static void Fail(Activity? span, string modelGroup, string outcome, long started)
    {
        span?.SetStatus(ActivityStatusCode.Error, outcome);
        RouterTelemetry.RequestFinished(modelGroup, outcome, Stopwatch.GetElapsedTime(started));
        span?.Dispose();
    }

    private static void Complete(Activity? span, RouteInfo route, CapacityLimiter capacity, TenantTicket? ticket, UsageDetails? usage, string modelGroup, long started, string outcome)
    {
        var (input, output) = (usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
        capacity.Settle(route.Deployment, route.Reservation, input + output);
        ticket?.RecordUsage(route.Deployment, input, output);
        RouterTelemetry.Usage(span, route.Deployment.Options.Model, usage?.InputTokenCount, usage?.OutputTokenCount);
        RouterTelemetry.RequestFinished(modelGroup, outcome, Stopwatch.GetElapsedTime(started));
        span?.Dispose();
    }

    private static void WriteRouteHeaders(HttpResponse response, RouteInfo route, Activity? span)
    {
        var headers = response.Headers;
        var deployment = route.Deployment;
        headers["x-switchyard-deployment"] = deployment.Name;
        headers["x-switchyard-provider"] = deployment.Provider.Name;
        headers["x-switchyard-region"] = deployment.Options.Region ?? "";
        headers["x-switchyard-account"] = deployment.Options.Account;
        headers["x-switchyard-model"] = deployment.Options.Model;
        headers["x-switchyard-model-group"] = route.ModelGroup;
        headers["x-switchyard-attempts"] = route.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["x-switchyard-fallback"] = route.FellBack ? "true" : "false";
        if (span is not null)
        {
            headers["x-switchyard-trace-id"] = span.TraceId.ToHexString();
            span.SetTag("switchyard.deployment", deployment.Name);
            span.SetTag("switchyard.region", deployment.Options.Region);
            span.SetTag("switchyard.account", deployment.Options.Account);
            span.SetTag("switchyard.attempts", route.Attempts);
            span.SetTag("switchyard.fallback", route.FellBack);
            span.SetTag("gen_ai.provider.name", deployment.Provider.TelemetryName);
        }
    }
}

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

    private static async Task<IResult> CreateChatCompletionAsync(HttpContext http, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock)
    {
        var started = clock.GetTimestamp();
        var table = tables.Current;
        ChatCompletionRequest? wire = null;
        RouteRequest request;
        TenantTicket? ticket;
        try
        {
            var tenant = await tenants.AuthenticateAsync(http);
            wire = await ChatRequestReader.ReadAsync(http, table.Options.MaxRequestBodyBytes);
            // Every check that needs no store runs before admission: a refused request costs the tenant nothing.
            var mapped = ChatRequestMapper.Map(wire, group => table.Groups.TryGetValue(group, out var found) ? found.MaxOutputTokens : null);
            (request, ticket) = await tenants.AdmitAsync(http, tenant, mapped);
        }
        catch (RoutingException refused)
        {
            RouterTelemetry.RequestRefused(table, wire?.Model, refused.Code, clock.GetElapsedTime(started));
            return OpenAIErrorResult.From(refused);
        }

        // From here the lifetime owns the request; disposal at the very end of the response (before the
        // tenant's settlement, which was registered earlier) ends it if no path below did.
        var streaming = wire.Stream == true;
        var lifetime = router.Begin(request, ticket, streaming, started, http.RequestAborted);
        http.Response.RegisterForDisposeAsync(lifetime);
        if (lifetime.Span is { } span)
        {
            // On errors too: the trace is where their detail is.
            http.Response.Headers["x-switchyard-trace-id"] = span.TraceId.ToHexString();
        }

        var id = $"chatcmpl-{Guid.NewGuid():N}";
        try
        {
            if (!streaming)
            {
                var answer = await router.CompleteAsync(lifetime);
                var completion = ChatResponseMapper.ToCompletion(id, lifetime.Route!.Deployment.Options.Model, answer);
                WriteRouteHeaders(http.Response, lifetime.Route!);
                lifetime.Complete();
                return TypedResults.Json(completion, OpenAIJsonContext.Default.ChatCompletionResponse);
            }

            var stream = await router.StreamAsync(lifetime);
            WriteRouteHeaders(http.Response, lifetime.Route!);
            return new ChatCompletionStreamResult(id, stream, lifetime, wire.StreamOptions?.IncludeUsage == true);
        }
        catch (Exception failure)
        {
            switch (lifetime.Fail(failure))
            {
                case null:
                    // The client has gone: nobody reads an answer.
                    return TypedResults.StatusCode(StatusCodes.Status499ClientClosedRequest);
                case { StatusCode: 500 } when failure is not RoutingException:
                    // OpenAIExceptionHandler logs it and answers the generic 500; the lifetime has already ended.
                    throw;
                case var answer:
                    return OpenAIErrorResult.From(answer);
            }
        }
    }

    internal static void WriteRouteHeaders(HttpResponse response, RouteInfo route)
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
    }
}

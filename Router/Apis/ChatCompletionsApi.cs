using System.Diagnostics;
using Switchyard.Admission;
using Switchyard.Router.Http;
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
            api.MapGet("/models", ListModelsAsync);
        }

        return app;
    }

    /// <summary>The model groups the caller's tenant may use (all of them when tenancy is off); the key is required like for a completion.</summary>
    private static async Task<IResult> ListModelsAsync(HttpContext http, RoutingTableProvider tables, TenantGate tenants)
    {
        TenantDefinition? tenant;
        try
        {
            tenant = await tenants.AuthenticateAsync(http);
        }
        catch (RoutingException refused)
        {
            return OpenAIErrorResult.From(refused);
        }

        var groups = tables.Current.Groups.Keys.Where(name => tenant?.AllowsModelGroup(name) ?? true).Order(StringComparer.Ordinal);
        return TypedResults.Json(new ModelList { Data = [.. groups.Select(name => new ModelEntry { Id = name })] }, OpenAIJsonContext.Default.ModelList);
    }

    private static async Task<IResult> CreateChatCompletionAsync(HttpContext http, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, ImageUrlFetcher images, TimeProvider clock)
    {
        var started = clock.GetTimestamp();
        var table = tables.Current;
        ChatCompletionRequest? wire = null;
        RouteRequest request;
        TenantTicket? ticket;
        try
        {
            var tenant = await tenants.AuthenticateAsync(http);
            wire = await JsonRequestReader.ReadAsync(http, table.Options.MaxRequestBodyBytes, OpenAIJsonContext.Default.ChatCompletionRequest, "a chat completion request", ChatParameterPolicy.Apply, ChatParameterPolicy.HasNothingToDo);
            // Every check that needs no store runs before admission: a refused request costs the tenant nothing.
            var mapped = ChatRequestMapper.Map(wire, group => table.Groups.TryGetValue(group, out var found) ? found.MaxOutputTokens : null);
            mapped = await images.ResolveAsync(mapped, http.RequestAborted);
            (request, ticket) = await tenants.AdmitAsync(http, tenant, mapped);
        }
        catch (RoutingException refused)
        {
            RouterTelemetry.RequestRefused(wire?.Model, table.Groups.ContainsKey, refused.Code, clock.GetElapsedTime(started));
            return OpenAIErrorResult.From(refused);
        }

        // 128 random bits from the runtime's thread-local generator, not Guid.NewGuid's system call per request.
        var id = $"chatcmpl-{ActivityTraceId.CreateRandom().ToHexString()}";
        return await RoutedExchange.AnswerAsync(
            http,
            router,
            request,
            ticket,
            wire.Stream == true,
            started,
            (model, answer) => new ChatCompletionResult(id, model, clock.GetUtcNow(), answer),
            (stream, lifetime) => new ChatCompletionStreamResult(id, stream, lifetime, wire.StreamOptions?.IncludeUsage == true),
            OpenAIErrorResult.From);
    }
}

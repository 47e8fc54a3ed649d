using System.Diagnostics;
using Switchyard.Router.Anthropic;
using Switchyard.Router.Http;
using Switchyard.Router.Routing;
using Switchyard.Router.Telemetry;
using Switchyard.Router.Tenancy;

namespace Switchyard.Router.Apis;

/// <summary>
/// The Anthropic Messages front door: POST /v1/messages and POST /v1/messages/count_tokens, also without
/// /v1, reaching the same core as the OpenAI door (<see cref="ChatCompletionsApi"/>): one tenant admission,
/// one routing decision, one lifetime, the same x-switchyard-* headers. The <c>anthropic-version</c> header
/// is accepted but not required (the 2023-06-01 wire format is served whatever it says) and
/// <c>anthropic-beta</c> is ignored: no beta changes the shapes this door reads or writes.
/// </summary>
public static class MessagesApi
{
    private static readonly string[] Prefixes = ["/v1/messages", "/messages"];

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
        {
            var api = app.MapGroup(prefix).WithTags("Anthropic");
            api.MapPost("", CreateMessageAsync);
            api.MapPost("/count_tokens", CountTokensAsync);
        }

        return app;
    }

    /// <summary>Whether the path is under the Anthropic door, so that its errors (even for unknown URLs) come in Anthropic's shape.</summary>
    public static bool Owns(PathString path) => Prefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    private static async Task<IResult> CreateMessageAsync(HttpContext http, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock)
    {
        var started = clock.GetTimestamp();
        var table = tables.Current;
        MessagesRequest? wire = null;
        MappedMessages mapped;
        RouteRequest request;
        TenantTicket? ticket;
        try
        {
            var tenant = await tenants.AuthenticateAsync(http);
            wire = await ReadAsync(http, table);
            // Every check that needs no store runs before admission: a refused request costs the tenant nothing.
            mapped = MessagesRequestMapper.Map(wire, MaxOutputTokens(table));
            (request, ticket) = await tenants.AdmitAsync(http, tenant, mapped.Request);
        }
        catch (RoutingException refused)
        {
            RouterTelemetry.RequestRefused(wire?.Model, table.Groups.ContainsKey, refused.Code, clock.GetElapsedTime(started));
            return AnthropicErrorResult.From(refused);
        }

        // 128 random bits from the runtime's thread-local generator, not Guid.NewGuid's system call per request.
        var id = $"msg_{ActivityTraceId.CreateRandom().ToHexString()}";
        return await RoutedExchange.AnswerAsync(
            http,
            router,
            request,
            ticket,
            wire.Stream == true,
            started,
            (model, answer) => TypedResults.Json(MessagesResponseMapper.ToMessage(id, model, answer, mapped.InputTokens), AnthropicJsonContext.Default.MessageResponse),
            (stream, lifetime) => new MessagesStreamResult(id, stream, lifetime, mapped.InputTokens, ServerSentMessagesSink.For),
            AnthropicErrorResult.From);
    }

    /// <summary>
    /// The Router's estimate of the request's input tokens (about four characters a token, images at a
    /// flat rate): what it reserves against the tenant's tpm, not the model's tokenizer count.
    /// Authenticated, not admitted: counting costs the tenant nothing.
    /// </summary>
    private static async Task<IResult> CountTokensAsync(HttpContext http, RoutingTableProvider tables, TenantGate tenants)
    {
        var table = tables.Current;
        try
        {
            await tenants.AuthenticateAsync(http);
            var wire = await ReadAsync(http, table);
            var mapped = MessagesRequestMapper.Map(wire, MaxOutputTokens(table), countOnly: true);
            return TypedResults.Json(new CountTokensResponse { InputTokens = mapped.InputTokens }, AnthropicJsonContext.Default.CountTokensResponse);
        }
        catch (RoutingException refused)
        {
            return AnthropicErrorResult.From(refused);
        }
    }

    private static Task<MessagesRequest> ReadAsync(HttpContext http, RoutingTable table) =>
        JsonRequestReader.ReadAsync(http, table.Options.MaxRequestBodyBytes, AnthropicJsonContext.Default.MessagesRequest, "a Messages request");

    private static Func<string, int?> MaxOutputTokens(RoutingTable table) =>
        group => table.Groups.TryGetValue(group, out var found) ? found.MaxOutputTokens : null;
}

using Microsoft.AspNetCore.Http.Features;
using Switchyard.Router.BedrockRuntime;
using Switchyard.Router.Routing;
using Switchyard.Router.Telemetry;
using Switchyard.Router.Tenancy;

namespace Switchyard.Router.Apis;

/// <summary>
/// The Amazon Bedrock Runtime front door: POST /model/{modelId}/converse, /converse-stream, /invoke and
/// /invoke-with-response-stream (bodies in the group's model family, <see cref="InvokeFamilies"/>), in Bedrock's
/// wire format, reaching the same core as the OpenAI door (one admission, one routing decision, one trace,
/// the same x-switchyard-* headers). <c>modelId</c> names a model group (<see cref="BedrockModelResolver"/>).
/// </summary>
public static class BedrockRuntimeApi
{
    public static IEndpointRouteBuilder MapBedrockRuntimeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/model/{modelId}").WithTags("Bedrock Runtime");
        api.MapPost("/converse", (HttpContext http, string modelId, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock) =>
            ServeAsync(http, modelId, streaming: false, _ => new ConverseOperation(clock), router, tables, tenants, clock));
        api.MapPost("/converse-stream", (HttpContext http, string modelId, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock) =>
            ServeAsync(http, modelId, streaming: true, _ => new ConverseOperation(clock), router, tables, tenants, clock));
        api.MapPost("/invoke", (HttpContext http, string modelId, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock) =>
            ServeAsync(http, modelId, streaming: false, group => InvokeOperation(group, clock), router, tables, tenants, clock));
        api.MapPost("/invoke-with-response-stream", (HttpContext http, string modelId, ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock) =>
            ServeAsync(http, modelId, streaming: true, group => InvokeOperation(group, clock), router, tables, tenants, clock));
        // Anything else under /model (another operation, a model id with an unencoded '/', a wrong method) is
        // answered as Bedrock answers an operation it does not have, so AWS SDKs parse it.
        app.Map("/model/{**rest}", (HttpContext http) => new BedrockErrorResult(new BedrockError(404, "UnknownOperationException", "validationException",
            $"{http.Request.Method} {http.Request.Path} is not an operation of this Bedrock door: it serves POST /model/{{modelId}}/converse, /converse-stream, /invoke and /invoke-with-response-stream, with the model id URL-encoded.")));
        return app;
    }

    /// <summary>The InvokeModel body format of the group's family; a ValidationException for a group that has none.</summary>
    private static IBedrockOperation InvokeOperation(ModelGroup group, TimeProvider clock) => InvokeFamilies.Of(group) switch
    {
        InvokeFamily.Claude => new ClaudeInvokeOperation(clock),
        InvokeFamily.Nova => new NovaInvokeOperation(clock),
        _ => throw RoutingException.InvalidRequest(
            $"InvokeModel takes Anthropic Claude and Amazon Nova bodies; the deployments of model group '{group.Name}' are not all of one of those families. Use Converse.", null),
    };

    private static async Task<IResult> ServeAsync(HttpContext http, string modelId, bool streaming, Func<ModelGroup, IBedrockOperation> operationFor,
        ChatRouter router, RoutingTableProvider tables, TenantGate tenants, TimeProvider clock)
    {
        var started = clock.GetTimestamp();
        var table = tables.Current;
        // Routing leaves %2F encoded in a route value (an ARN's slash); every other escape is decoded already.
        modelId = modelId.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        IBedrockOperation operation;
        RouteRequest request;
        TenantTicket? ticket;
        try
        {
            var tenant = await tenants.AuthenticateAsync(http);
            // Every check that needs no store runs before admission: a refused request costs the tenant nothing.
            if (BedrockModelResolver.Resolve(table, modelId) is not { } groupName)
            {
                throw new RoutingException(404, "invalid_request_error", "model_not_found",
                    $"The model '{modelId}' is not a model group of this Router, nor a model or inference profile one of its groups serves.");
            }

            var group = table.Groups[groupName];
            operation = operationFor(group);
            (request, ticket) = await tenants.AdmitAsync(http, tenant, await operation.ReadAsync(http, table, group));
        }
        catch (RoutingException refused)
        {
            RouterTelemetry.RequestRefused(modelId, table.Groups.ContainsKey, refused.Code, clock.GetElapsedTime(started));
            return BedrockErrorResult.From(refused);
        }

        // From here the lifetime owns the request; disposal at the very end of the response ends it if no path below did.
        var lifetime = router.Begin(request, ticket, streaming, started, http.Features.Get<IHttpActivityFeature>()?.Activity, http.RequestAborted);
        http.Response.RegisterForDisposeAsync(lifetime);
        RouteHeaders.WriteTraceId(http.Response, lifetime);

        try
        {
            if (!streaming)
            {
                var answer = await router.CompleteAsync(lifetime);
                var result = operation.Answer(answer, lifetime, started);
                RouteHeaders.Write(http.Response, lifetime.Route!);
                lifetime.Complete();
                return result;
            }

            var stream = await router.StreamAsync(lifetime);
            RouteHeaders.Write(http.Response, lifetime.Route!);
            return operation.Stream(stream, lifetime, started);
        }
        catch (Exception failure)
        {
            switch (lifetime.Fail(failure))
            {
                case null:
                    // The client has gone: nobody reads an answer.
                    return TypedResults.StatusCode(StatusCodes.Status499ClientClosedRequest);
                case { StatusCode: 500 } when failure is not RoutingException:
                    // ApiExceptionHandler logs it and answers the generic 500 in this door's shape; the lifetime has already ended.
                    throw;
                case var answer:
                    return BedrockErrorResult.From(answer);
            }
        }
    }

    /// <summary>Whether a path is this door's, so errors outside its endpoints (unhandled exceptions) take Bedrock's shape.</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments("/model", StringComparison.OrdinalIgnoreCase);
}

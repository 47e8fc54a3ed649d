using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Apis;

/// <summary>
/// What a front door does with an admitted request, whichever protocol it speaks: the lifetime begins (and
/// is ended at the very end of the response, before the tenant's settlement registered earlier, if no path
/// here ended it), the trace id and route headers are written, and a failure becomes the door's error.
/// </summary>
public static class RoutedExchange
{
    /// <param name="whole">The door's answer for a whole response, from the model served and the answer.</param>
    /// <param name="streamed">The door's streamed result, which ends the lifetime when the stream does.</param>
    /// <param name="error">The door's error for a routing failure.</param>
    public static async Task<IResult> AnswerAsync(
        HttpContext http,
        ChatRouter router,
        RouteRequest request,
        TenantTicket? ticket,
        bool streaming,
        long started,
        Func<string, ChatResponse, IResult> whole,
        Func<RoutedStream, ChatRequestLifetime, IResult> streamed,
        Func<RoutingException, IResult> error)
    {
        var lifetime = router.Begin(request, ticket, streaming, started, http.Features.Get<IHttpActivityFeature>()?.Activity, http.RequestAborted);
        http.Response.RegisterForDisposeAsync(lifetime);
        RouteHeaders.WriteTraceId(http.Response, lifetime);
        try
        {
            if (!streaming)
            {
                var answer = await router.CompleteAsync(lifetime);
                var result = whole(lifetime.Route!.Deployment.Options.Model, answer);
                RouteHeaders.Write(http.Response, lifetime.Route!);
                lifetime.Complete();
                return result;
            }

            var stream = await router.StreamAsync(lifetime);
            RouteHeaders.Write(http.Response, lifetime.Route!);
            return streamed(stream, lifetime);
        }
        catch (Exception failure)
        {
            switch (lifetime.Fail(failure))
            {
                case null:
                    // The client has gone: nobody reads an answer.
                    return TypedResults.StatusCode(StatusCodes.Status499ClientClosedRequest);
                case { StatusCode: 500 } when failure is not RoutingException:
                    // ApiExceptionHandler logs it and answers the generic 500 in the door's shape; the lifetime has already ended.
                    throw;
                case var answer:
                    return error(answer);
            }
        }
    }
}

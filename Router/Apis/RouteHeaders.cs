using System.Globalization;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Apis;

/// <summary>The <c>x-switchyard-*</c> headers every front door sends: the same names and values whichever protocol the client speaks.</summary>
public static class RouteHeaders
{
    /// <summary>The request's trace, on errors too: the trace is where their detail is.</summary>
    public static void WriteTraceId(HttpResponse response, ChatRequestLifetime lifetime)
    {
        if (lifetime.Span is { } span)
        {
            response.Headers["x-switchyard-trace-id"] = span.TraceId.ToHexString();
        }
    }

    /// <summary>Where the request was served: deployment, provider, Region, account, model, group, attempts, fallback.</summary>
    public static void Write(HttpResponse response, RouteInfo route)
    {
        var headers = response.Headers;
        var deployment = route.Deployment;
        headers["x-switchyard-deployment"] = deployment.Name;
        headers["x-switchyard-provider"] = deployment.Provider.Name;
        headers["x-switchyard-region"] = deployment.Options.Region ?? "";
        headers["x-switchyard-account"] = deployment.Options.Account;
        headers["x-switchyard-model"] = deployment.Options.Model;
        headers["x-switchyard-model-group"] = route.ModelGroup;
        headers["x-switchyard-attempts"] = route.Attempts.ToString(CultureInfo.InvariantCulture);
        headers["x-switchyard-fallback"] = route.FellBack ? "true" : "false";
    }
}

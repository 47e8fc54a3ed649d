using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Bedrock;
using Switchyard.BedrockEmulator.Logs;
using Switchyard.BedrockEmulator.Sts;
using Switchyard.BedrockEmulator.Wire;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Apis;

/// <summary>
/// <c>POST /</c> on the Region endpoints, where AWS's RPC-style services all arrive when one
/// <c>AWS_ENDPOINT_URL</c> serves every client: the SigV4 credential scope names the service (sts, logs);
/// an unsigned request is told apart by its protocol (<c>X-Amz-Target</c>: the JSON protocol of Logs; a form
/// body: STS's awsQuery, whose AssumeRoleWithWebIdentity is unsigned). Errors come in that service's own shape.
/// </summary>
internal static class AwsServicesApi
{
    private enum Service
    {
        Bedrock,
        Sts,
        Logs,
    }

    public static IEndpointRouteBuilder MapAwsServicesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/", HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, EndpointMap endpoints, StsHandler sts, LogsHandler logs)
    {
        var service = ServiceOf(context.Request);
        var endpoint = endpoints.At(context);
        var cancellation = context.RequestAborted;
        if (endpoint.Role != EndpointRole.Region)
        {
            var requestId = Guid.NewGuid().ToString();
            const string message = "STS and CloudWatch Logs are served on the Region endpoints only.";
            await (service switch
            {
                Service.Sts => StsXml.Error(new StsError(404, "UnknownOperation", message), requestId).WriteAsync(context.Response, cancellation),
                Service.Logs => new LogsError("UnknownOperationException", message, statusCode: StatusCodes.Status404NotFound).ToResponse(requestId).WriteAsync(context.Response, cancellation),
                _ => BedrockErrorWriter.WriteAsync(context, requestId, StatusCodes.Status404NotFound, "UnknownOperationException", message),
            });
            return;
        }

        if (service == Service.Bedrock)
        {
            await BedrockErrorWriter.WriteAsync(context, Guid.NewGuid().ToString(), StatusCodes.Status404NotFound, "UnknownOperationException",
                "Bedrock Runtime has no operation at POST /; its operations are under /model/{modelId}/.");
            return;
        }

        try
        {
            ServiceResponse response;
            using (var body = await RequestBody.ReadAsync(context.Request.BodyReader, cancellation))
            {
                response = service == Service.Sts
                    ? sts.Handle(context, endpoint.Region!, body.Span)
                    : logs.Handle(context, endpoint.Region!, body.Span);
            }

            await response.WriteAsync(context.Response, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
    }

    private static Service ServiceOf(HttpRequest request)
    {
        switch (SigV4Verifier.ScopeService(request.Headers.Authorization.ToString()))
        {
            case StsHandler.SigningName:
                return Service.Sts;
            case LogsHandler.SigningName:
                return Service.Logs;
            case SigV4Verifier.Service:
                return Service.Bedrock;
        }

        // Unsigned, or signed for a service the emulator does not serve: the protocol tells which service
        // was meant, and that service's verifier then answers with its own error.
        if (request.Headers.ContainsKey("X-Amz-Target"))
        {
            return Service.Logs;
        }

        return request.HasFormContentType ? Service.Sts : Service.Bedrock;
    }
}

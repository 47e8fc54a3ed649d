using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;
using Switchyard.BedrockEmulator.Wire;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// A Bedrock Runtime operation on a Region endpoint, the same for all: SigV4, the model or inference
/// profile, the operation's own validation, admission (faults, quota, serving Region), then its answer;
/// failures are answered and logged as Bedrock errors.
/// </summary>
internal sealed class BedrockOperationRunner(EndpointMap endpoints, SigV4Verifier verifier, InvocationPipeline pipeline)
{
    public async Task RunAsync<TRequest>(HttpContext context, string modelId, IBedrockOperation<TRequest> operation, bool streaming)
    {
        var endpoint = endpoints.At(context);
        if (endpoint.Role != EndpointRole.Region)
        {
            await BedrockErrorWriter.WriteAsync(context, Guid.NewGuid().ToString(), StatusCodes.Status404NotFound, "UnknownOperationException",
                $"{operation.Name} is served on the Region endpoints only.");
            return;
        }

        var invocation = pipeline.Start(operation.Api(streaming), endpoint.Region!, modelId);
        var cancellation = context.RequestAborted;
        try
        {
            OperationRequest<TRequest> request;
            using (var body = await RequestBody.ReadAsync(context.Request.BodyReader, cancellation))
            {
                if (Admit(context, invocation, operation, body.Span, streaming, out request) is { } error)
                {
                    pipeline.Fail(invocation, error);
                    await BedrockErrorWriter.WriteAsync(context, invocation.RequestId, error);
                    return;
                }
            }

            if (invocation.Faults.Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }

            context.Response.Headers[BedrockErrorWriter.RequestIdHeader] = invocation.RequestId;
            await operation.RespondAsync(context, invocation, request.Body, streaming);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            pipeline.Finish(invocation, invocation.Faults.Hang ? "hung" : "cancelled", InvocationPipeline.ClientClosedRequest);
        }
    }

    private EmulatorError? Admit<TRequest>(
        HttpContext context, Invocation invocation, IBedrockOperation<TRequest> operation, ReadOnlySpan<byte> body, bool streaming, out OperationRequest<TRequest> request)
    {
        request = default;
        if (!verifier.TryVerify(context, invocation.SourceRegion.Name, body, out var account, out var authError))
        {
            invocation.Account = account;
            return authError;
        }

        invocation.Account = account;

        // The model comes first: an InvokeModel body's format is the model's.
        if (ModelCatalog.ResolveBedrock(invocation.RequestedModel, invocation.SourceRegion) is not { } target)
        {
            return EmulatorError.Validation("The provided model identifier is invalid.");
        }

        if (operation.Read(context.Request, body, target.Model, streaming, out request) is { } invalid)
        {
            return invalid;
        }

        return pipeline.Admit(invocation, account, target, request.Prompt, request.MaxTokens, streaming);
    }
}

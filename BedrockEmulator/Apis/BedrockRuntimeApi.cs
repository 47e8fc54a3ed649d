using Switchyard.BedrockEmulator.Bedrock;
using Switchyard.BedrockEmulator.Bedrock.Invoke;

namespace Switchyard.BedrockEmulator.Apis;

/// <summary>The Bedrock Runtime operations the emulator serves, on each Region endpoint.</summary>
internal static class BedrockRuntimeApi
{
    public static IEndpointRouteBuilder MapBedrockRuntimeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/model/{modelId}/converse", (HttpContext context, string modelId, ConverseHandler handler) => handler.HandleAsync(context, modelId, streaming: false));
        app.MapPost("/model/{modelId}/converse-stream", (HttpContext context, string modelId, ConverseHandler handler) => handler.HandleAsync(context, modelId, streaming: true));
        app.MapPost("/model/{modelId}/invoke", (HttpContext context, string modelId, InvokeModelHandler handler) => handler.HandleAsync(context, modelId, streaming: false));
        app.MapPost("/model/{modelId}/invoke-with-response-stream", (HttpContext context, string modelId, InvokeModelHandler handler) => handler.HandleAsync(context, modelId, streaming: true));
        return app;
    }
}

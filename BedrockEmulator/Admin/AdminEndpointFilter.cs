using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Admin;

/// <summary>Serves the admin API on the admin endpoint only: elsewhere it does not exist.</summary>
internal sealed class AdminEndpointFilter(EndpointMap endpoints) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        endpoints.At(context.HttpContext).Role == EndpointRole.Admin ? next(context) : ValueTask.FromResult<object?>(TypedResults.NotFound());
}

using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.OpenAI;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Apis;

/// <summary>The OpenAI-compatible second provider, on the openai endpoint.</summary>
internal static class OpenAIApi
{
    /// <summary>The catalog, owned by the provider named before the first dot (gpt-4o-mini: openai).</summary>
    private static readonly ModelList Models = new("list",
        [.. ModelCatalog.Models.Select(m => new ModelEntry(m.Id, "model", 0, m.OnBedrock ? m.Id[..m.Id.IndexOf('.')] : "openai"))]);

    public static IEndpointRouteBuilder MapOpenAIApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", (HttpContext context, ChatCompletionsHandler handler) => handler.HandleAsync(context));
        app.MapGet("/v1/models", async (HttpContext context, EndpointMap endpoints, AccountRegistry accounts) =>
        {
            if (endpoints.At(context).Role != EndpointRole.OpenAI)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
            else if (accounts.ByBearerHeader(context.Request.Headers.Authorization.ToString()) is null)
            {
                await OpenAIErrors.WriteAsync(context, OpenAIErrors.IncorrectApiKey);
            }
            else
            {
                await context.Response.WriteAsJsonAsync(Models, OpenAIJsonContext.Default.ModelList);
            }
        });
        return app;
    }
}

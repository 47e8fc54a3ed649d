using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.OpenAI;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Apis;

/// <summary>The OpenAI-compatible second provider, on the openai endpoint.</summary>
internal static class OpenAIApi
{
    public static IEndpointRouteBuilder MapOpenAIApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", (HttpContext context, ChatCompletionsHandler handler) => handler.HandleAsync(context));
        app.MapGet("/v1/models", (HttpContext context, EndpointMap endpoints) =>
        {
            if (endpoints.At(context).Role != EndpointRole.OpenAI)
            {
                return Results.NotFound();
            }

            var models = ModelCatalog.Models.Select(m => new ModelEntry(m.Id, "model", 0, m.Id.Split('.')[0] == m.Id ? "openai" : m.Id.Split('.')[0])).ToArray();
            return TypedResults.Json(new ModelList("list", models), OpenAIJsonContext.Default.ModelList);
        });
        return app;
    }
}

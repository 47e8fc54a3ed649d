using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Models;

namespace Switchyard.SampleApp.RouterClient;

/// <summary>
/// Makes OpenAI-SDK clients that talk to the Router and nothing else. The HttpClient's base address is
/// the Router (<c>http://router</c> through service discovery, or a test's address). The SDK's own retries
/// are off: the Router owns resilience, and a client retry would hide a rate limit the scenarios count.
/// </summary>
public sealed class RouterChatClients(HttpClient router)
{
    private readonly HttpClientPipelineTransport _transport = new(router);

    /// <summary>The Router's base address.</summary>
    public Uri BaseAddress => router.BaseAddress ?? throw new InvalidOperationException("The Router HttpClient has no base address.");

    public IChatClient ChatClient(string modelGroup, string apiKey) =>
        new OpenAI.Chat.ChatClient(modelGroup, new ApiKeyCredential(apiKey), Options()).AsIChatClient();

    /// <summary>The model groups the Router offers (GET /v1/models).</summary>
    public async Task<IReadOnlyList<string>> ModelGroupsAsync(string apiKey, CancellationToken cancellationToken)
    {
        var models = await new OpenAIModelClient(new ApiKeyCredential(apiKey), Options()).GetModelsAsync(cancellationToken);
        return [.. models.Value.Select(m => m.Id)];
    }

    private OpenAIClientOptions Options()
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseAddress, "v1"),
            Transport = _transport,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromMinutes(5),
        };
        options.AddPolicy(RouteCapturePolicy.Instance, PipelinePosition.PerTry);
        return options;
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using Switchyard.Router.Configuration;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>Any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 API, vLLM, Ollama, the emulator) via Microsoft.Extensions.AI.OpenAI.</summary>
internal sealed class OpenAICompatibleProvider(IOptionsMonitor<OpenAIProvidersOptions> options, SocketsHttpHandler transport, TimeProvider clock) : IProvider
{
    public string Name => "openai";

    public string TelemetryName => "openai";

    public IEnumerable<string> Validate(string deploymentName, DeploymentOptions deployment)
    {
        if (!options.CurrentValue.Endpoints.ContainsKey(deployment.Account))
        {
            yield return $"Deployment '{deploymentName}' uses OpenAI-compatible endpoint '{deployment.Account}', which is not configured under OpenAIProviders.";
        }
    }

    public IChatClient CreateClient(DeploymentOptions deployment)
    {
        var endpoint = options.CurrentValue.Endpoints[deployment.Account];
        var baseAddress = endpoint.Endpoint.TrimEnd('/');
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(baseAddress.EndsWith("/v1", StringComparison.Ordinal) ? baseAddress : baseAddress + "/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(transport, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }),
            // The router owns retries and deadlines; the SDK's own would multiply attempts.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            // The router's spans, metrics and logs describe every call; the SDK's logging policy would only add a layer to each.
            ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
        };
        clientOptions.AddPolicy(CompactRequestContentPolicy.Instance, PipelinePosition.BeforeTransport);
        var client = new OpenAIClient(new ApiKeyCredential(endpoint.ApiKey ?? "unused"), clientOptions);
        return new OpenAIErrorClassifyingChatClient(client.GetChatClient(deployment.Model).AsIChatClient(), clock);
    }
}

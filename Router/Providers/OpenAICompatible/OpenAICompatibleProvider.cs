using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Switchyard.Router.Configuration;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>Any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 API, vLLM, Ollama, the emulator) via Chat Completions.</summary>
internal sealed class OpenAICompatibleProvider(IOptionsMonitor<OpenAIProvidersOptions> options, ProviderTransport transport, TimeProvider clock) : IProvider
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
        // The router owns retries and deadlines: the client has neither of its own.
        var http = new HttpClient(transport, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        return new OpenAICompatibleChatClient(http, new Uri(baseAddress.EndsWith("/v1", StringComparison.Ordinal) ? baseAddress : baseAddress + "/v1"),
            endpoint.ApiKey, deployment.Model, clock);
    }
}

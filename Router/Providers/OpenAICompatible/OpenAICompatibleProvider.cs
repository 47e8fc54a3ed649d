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
        if (!options.CurrentValue.Endpoints.TryGetValue(deployment.Account, out var endpoint))
        {
            yield return $"Deployment '{deploymentName}' uses OpenAI-compatible endpoint '{deployment.Account}', which is not configured under OpenAIProviders.";
        }
        else if (!Uri.TryCreate(endpoint.Endpoint, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            yield return $"OpenAIProviders:{deployment.Account}:Endpoint is '{endpoint.Endpoint}', not an http or https address.";
        }
        else if (UpstreamHttpVersion.For(address, endpoint.HttpVersion) is null)
        {
            yield return UpstreamHttpVersion.Refusal($"OpenAIProviders:{deployment.Account}:HttpVersion", endpoint.HttpVersion!);
        }
    }

    public IChatClient CreateClient(DeploymentOptions deployment)
    {
        var endpoint = options.CurrentValue.Endpoints[deployment.Account];
        var baseAddress = endpoint.Endpoint.TrimEnd('/');
        // The router owns retries and deadlines: the client has neither of its own.
        var http = new HttpClient(transport, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var address = new Uri(baseAddress.EndsWith("/v1", StringComparison.Ordinal) ? baseAddress : baseAddress + "/v1");
        // Validate refused any other value before a client is made.
        var version = UpstreamHttpVersion.For(address, endpoint.HttpVersion) ?? UpstreamHttpVersion.Http11;
        return new OpenAICompatibleChatClient(http, address, version, endpoint.ApiKey, deployment.Model, clock);
    }
}

using Microsoft.Extensions.Options;
using Switchyard.SampleApp.RouterClient;
using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Hosting;

/// <summary>Clients for the Router and the admin APIs, from the app's HttpClient (service discovery) and admin key.</summary>
public sealed class TopologyClients(IHttpClientFactory clients, IOptions<ServiceAddresses> addresses, IConfiguration configuration, TimeProvider time)
{
    public RouterChatClients Router() => new(Client(addresses.Value.Router));

    public ScenarioEnvironment Scenarios()
    {
        var adminKey = configuration.AdminKey()
            ?? throw new ScenarioException("No admin key: set Quotas__AdminKey (the AppHost's quota-admin-key parameter) or pass --admin-key.");
        var router = Client(addresses.Value.Router);
        return new ScenarioEnvironment(new RouterChatClients(router), router, Client(addresses.Value.EmulatorAdmin), Client(addresses.Value.QuotaService), adminKey, time);
    }

    private HttpClient Client(Uri baseAddress)
    {
        var client = clients.CreateClient(SampleAppServices.HttpClientName);
        client.BaseAddress = baseAddress;
        return client;
    }
}

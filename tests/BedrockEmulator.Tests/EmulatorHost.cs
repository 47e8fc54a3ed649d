using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// The real emulator on real loopback ports: one free port per Kestrel endpoint, given to it through
/// configuration exactly as Aspire does, with the latency model off so tests run fast.
/// </summary>
public sealed class EmulatorHost : WebApplicationFactory<Program>
{
    public const string PrimaryAccessKey = "AKIASWITCHYARDPRIMARY";
    public const string PrimarySecret = "switchyard-emulator-primary-secret";
    public const string SecondaryAccessKey = "AKIASWITCHYARDSECOND";
    public const string SecondarySecret = "switchyard-emulator-secondary-secret";

    private static readonly string[] EndpointNames = ["admin", "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "openai"];

    private readonly Dictionary<string, Uri> _endpoints = EndpointNames.ToDictionary(name => name, _ => new Uri($"http://127.0.0.1:{FreePort()}/"));

    public EmulatorHost()
    {
        UseKestrel();
        StartServer();
        Admin = new HttpClient { BaseAddress = Endpoint("admin") };
        OpenAI = new HttpClient { BaseAddress = Endpoint("openai") };
    }

    /// <summary>The emulator's clock: real time, moved by hand where a test needs time to pass (reset to real time by <see cref="ResetAsync"/>).</summary>
    public ShiftedTimeProvider Clock { get; } = new();

    /// <summary>Client of the admin API.</summary>
    public HttpClient Admin { get; }

    /// <summary>Client of the OpenAI-compatible endpoint (no key set).</summary>
    public HttpClient OpenAI { get; }

    public Uri Endpoint(string name) => _endpoints[name];

    /// <summary>An HttpClient that signs with SigV4 (AWSSDK.Core's handler, as the Router does) for one Region endpoint.</summary>
    public static HttpClient SignedClient(Uri regionEndpoint, string region, string accessKey = PrimaryAccessKey, string secret = PrimarySecret) =>
        SignedClient(regionEndpoint, region, "bedrock", new BasicAWSCredentials(accessKey, secret));

    /// <summary>An HttpClient that signs for <paramref name="service"/> (bedrock, sts, logs) with any credentials, session ones included.</summary>
    public static HttpClient SignedClient(Uri regionEndpoint, string region, string service, AWSCredentials credentials) =>
        new(new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(region), service, new SocketsHttpHandler()))
        {
            BaseAddress = regionEndpoint,
        };

    public HttpClient SignedClient(string region, string accessKey = PrimaryAccessKey, string secret = PrimarySecret) =>
        SignedClient(Endpoint(region), region, accessKey, secret);

    /// <summary>Back to a clean state: no faults, empty quota windows and log, no quota overrides, latency off, quotas on.</summary>
    public async Task ResetAsync()
    {
        Clock.Offset = TimeSpan.Zero;
        (await Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = false, quotasEnabled = true })).EnsureSuccessStatusCode();
    }

    public async Task<string> AddFaultAsync(object fault)
    {
        var response = await Admin.PostAsJsonAsync("/admin/faults", fault);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
            _endpoints.Select(e => KeyValuePair.Create($"Kestrel:Endpoints:{e.Key}:Url", (string?)e.Value.ToString().TrimEnd('/')))
                .Concat(new Dictionary<string, string?>
                {
                    ["Emulator:Latency:Enabled"] = "false",
                    // A configured override, which POST /admin/reset keeps.
                    ["Emulator:Quotas:Overrides:0:Account"] = "secondary",
                    ["Emulator:Quotas:Overrides:0:Region"] = "us-west-2",
                    ["Emulator:Quotas:Overrides:0:Model"] = "amazon.nova-pro-v1:0",
                    ["Emulator:Quotas:Overrides:0:Rpm"] = "42",
                    ["Emulator:Quotas:Overrides:0:Tpm"] = "4200",
                })));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Admin.Dispose();
            OpenAI.Dispose();
        }

        base.Dispose(disposing);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Every test that talks to the emulator over HTTP shares one host and runs one at a time (faults are global).</summary>
[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorHost>
{
    public const string Name = "emulator";
}

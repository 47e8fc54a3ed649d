extern alias emulator;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Switchyard.Tests;

namespace Switchyard.Router.Tests;

/// <summary>
/// The real Bedrock emulator, in process (its Program through the <c>emulator</c> alias), on free loopback
/// ports: one per Kestrel endpoint, given through configuration as Aspire gives them, with the latency model
/// off. Its accounts are the shipped ones; the Router signs as the primary one.
/// </summary>
public sealed class EmulatedBedrock : WebApplicationFactory<emulator::Program>
{
    public const string AccessKeyId = "AKIASWITCHYARDPRIMARY";
    public const string SecretAccessKey = "switchyard-emulator-primary-secret";

    /// <summary>The name of the emulator's primary account in the Router's settings.</summary>
    public const string Account = "primary";

    private static readonly string[] EndpointNames = ["admin", "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "openai"];

    private readonly Dictionary<string, Uri> _endpoints;

    public EmulatedBedrock()
    {
        _endpoints = EndpointNames.Zip(RedisTestServer.FreePorts(EndpointNames.Length))
            .ToDictionary(e => e.First, e => new Uri($"http://127.0.0.1:{e.Second}/"));
        UseKestrel();
        StartServer();
        Admin = new HttpClient { BaseAddress = Endpoint("admin") };
    }

    /// <summary>Client of the admin API.</summary>
    public HttpClient Admin { get; }

    /// <summary>A Region's endpoint (or "admin", "openai").</summary>
    public Uri Endpoint(string name) => _endpoints[name];

    /// <summary>The Router's configuration for the emulator: the primary account's keys and every Region's endpoint.</summary>
    public IEnumerable<KeyValuePair<string, string?>> RouterSettings() =>
        _endpoints.Where(e => e.Key is not ("admin" or "openai"))
            .Select(e => KeyValuePair.Create($"Bedrock:Endpoints:{e.Key}", (string?)e.Value.ToString()))
            .Append(KeyValuePair.Create($"Bedrock:Accounts:{Account}:AccessKeyId", (string?)AccessKeyId))
            .Append(KeyValuePair.Create($"Bedrock:Accounts:{Account}:SecretAccessKey", (string?)SecretAccessKey));

    /// <summary>A Router deployment of <paramref name="model"/> in one of the emulator's Regions, under the primary account.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Deployment(string name, string region, string model) =>
    [
        KeyValuePair.Create($"Routing:Deployments:{name}:Provider", (string?)"bedrock"),
        KeyValuePair.Create($"Routing:Deployments:{name}:Account", (string?)Account),
        KeyValuePair.Create($"Routing:Deployments:{name}:Region", (string?)region),
        KeyValuePair.Create($"Routing:Deployments:{name}:Model", (string?)model),
    ];

    /// <summary>No faults, empty quota windows and invocation log, latency model off; quotas enforced unless <paramref name="quotas"/> is false.</summary>
    public async Task ResetAsync(bool quotas = true)
    {
        (await Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = false, quotasEnabled = quotas })).EnsureSuccessStatusCode();
    }

    public async Task AddFaultAsync(object fault)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/faults", fault);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The emulator's invocation log for a Region: how many calls reached it, and their outcomes.</summary>
    public async Task<IReadOnlyList<string>> InvocationOutcomesAsync(string region)
    {
        var log = await Admin.GetFromJsonAsync<JsonElement>($"/admin/invocations?region={region}&limit=1000");
        return [.. log.EnumerateArray().Select(i => i.GetProperty("outcome").GetString()!)];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
            _endpoints.Select(e => KeyValuePair.Create($"Kestrel:Endpoints:{e.Key}:Url", (string?)e.Value.ToString().TrimEnd('/')))
                .Append(KeyValuePair.Create("Emulator:Latency:Enabled", (string?)"false"))));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Admin.Dispose();
        }

        base.Dispose(disposing);
    }
}

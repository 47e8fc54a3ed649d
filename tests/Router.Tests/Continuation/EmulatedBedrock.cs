extern alias emulator;

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Switchyard.Router.Tests.Continuation;

/// <summary>
/// The real Bedrock emulator on free loopback ports (one per Region endpoint, as Aspire gives them), with
/// the latency model off, for tests of the Router against Bedrock's own wire. Its accounts are the shipped ones.
/// </summary>
public sealed class EmulatedBedrock : WebApplicationFactory<emulator::Program>
{
    public const string PrimaryAccessKey = "AKIASWITCHYARDPRIMARY";
    public const string PrimarySecret = "switchyard-emulator-primary-secret";

    private static readonly string[] EndpointNames = ["admin", "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "openai"];

    private readonly Dictionary<string, Uri> _endpoints = EndpointNames.ToDictionary(name => name, _ => new Uri($"http://127.0.0.1:{FreePort()}/"));

    public EmulatedBedrock()
    {
        UseKestrel();
        StartServer();
        Admin = new HttpClient { BaseAddress = _endpoints["admin"] };
    }

    public HttpClient Admin { get; }

    /// <summary>The Router's configuration for the emulator: the primary account's keys and every Region's endpoint.</summary>
    public IEnumerable<KeyValuePair<string, string?>> RouterSettings() =>
        _endpoints.Where(e => e.Key is not ("admin" or "openai"))
            .Select(e => KeyValuePair.Create($"Bedrock:Endpoints:{e.Key}", (string?)e.Value.ToString()))
            .Append(KeyValuePair.Create("Bedrock:Accounts:primary:AccessKeyId", (string?)PrimaryAccessKey))
            .Append(KeyValuePair.Create("Bedrock:Accounts:primary:SecretAccessKey", (string?)PrimarySecret));

    /// <summary>No faults, empty quota windows and invocation log, latency off.</summary>
    public async Task ResetAsync()
    {
        (await Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync("/admin/settings", new { latencyEnabled = false, quotasEnabled = true })).EnsureSuccessStatusCode();
    }

    public async Task AddFaultAsync(object fault)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/faults", fault);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Switchyard.AppHost.Tests;

/// <summary>
/// The deployment manifest, published in-process as <c>dotnet run --project AppHost -- --publisher manifest</c>
/// does (README, Deploying): what reaches a deployment in front of real Bedrock.
/// </summary>
public sealed class PublishManifestTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-manifest-").FullName;

    private string _text = "";

    private JsonObject _resources = null!;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_directory, "aspire-manifest.json");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--publisher", "manifest", "--output-path", path], timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.RunAsync(timeout.Token);

        _text = await File.ReadAllTextAsync(path, timeout.Token);
        _resources = JsonNode.Parse(_text)!["resources"]!.AsObject();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Redis_is_a_container_and_the_three_services_are_projects_without_the_emulator()
    {
        Assert.Equal("container.v0", Type("cache"));
        Assert.StartsWith("docker.io/library/redis:", _resources["cache"]!["image"]!.GetValue<string>());
        Assert.Equal(["chat", "quotas", "router"], _resources.Where(r => Type(r.Key) == "project.v0").Select(r => r.Key).Order());

        Assert.DoesNotContain("bedrock", _resources.Select(r => r.Key));
        // Nothing points at an emulator: no endpoint overrides and no emulator provider.
        Assert.DoesNotContain("bedrock.bindings", _text);
        Assert.DoesNotContain(Environment("router"), e => e.Key.StartsWith("Bedrock__Endpoints__", StringComparison.Ordinal) || e.Key.StartsWith("OpenAIProviders__", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Each_account_is_a_profile_parameter_that_defaults_to_the_default_credential_chain(string account)
    {
        var parameter = $"bedrock-{account}-profile";

        Assert.Equal("parameter.v0", Type(parameter));
        var input = _resources[parameter]!["inputs"]!["value"]!;
        // Empty: the default chain (web identity, container or instance role), which starts in a container without ~/.aws.
        Assert.Equal("", input["default"]!["value"]!.GetValue<string>());
        Assert.Null(input["secret"]);
        Assert.Equal($"{{{parameter}.value}}", Environment("router")[$"Bedrock__Accounts__{account}__Profile"]);
        Assert.DoesNotContain(Environment("router"), e => e.Key.StartsWith($"Bedrock__Accounts__{account}__", StringComparison.Ordinal) && !e.Key.EndsWith("__Profile", StringComparison.Ordinal));
    }

    [Fact]
    public void The_admin_key_is_a_generated_secret_held_by_the_quota_service_and_the_router_only()
    {
        Assert.Equal("parameter.v0", Type("quota-admin-key"));
        var input = _resources["quota-admin-key"]!["inputs"]!["value"]!;
        Assert.True(input["secret"]!.GetValue<bool>());
        Assert.NotNull(input["default"]!["generate"]);

        Assert.Equal("{quota-admin-key.value}", Environment("quotas")["Quotas__AdminKey"]);
        Assert.Equal("{quota-admin-key.value}", Environment("router")["Quotas__AdminKey"]);
        Assert.DoesNotContain("quota-admin-key", _resources["chat"]!.ToJsonString());
        Assert.DoesNotContain("Quotas__AdminKey", _resources["chat"]!.ToJsonString());
    }

    [Fact]
    public void No_demo_tenant_demo_key_or_emulator_credential_appears_anywhere()
    {
        var appHost = Projects.AppHost.ProjectPath;
        var demo = new ConfigurationBuilder().AddJsonFile(Path.Combine(appHost, QuotaServiceResourceExtensions.DemoTenantsFile)).Build();
        var emulator = new ConfigurationBuilder().AddJsonFile(Path.Combine(appHost, "appsettings.json")).Build().GetSection("Emulator:Accounts");
        var tenants = demo.GetSection("Quotas:SeedTenants").GetChildren().ToList();
        string[] secrets =
        [
            .. tenants.SelectMany(t => t.GetSection("Keys").Get<string[]>()!),
            .. tenants.Select(t => $"\"{t["Id"]}\""),
            .. emulator.GetChildren().SelectMany(a => new[] { a["AccessKeyId"]!, a["SecretAccessKey"]! }),
        ];

        Assert.Equal(4, tenants.Count);
        Assert.Contains("demo-key", secrets);
        Assert.DoesNotContain("SeedTenants", _text);
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, _text));
    }

    private string? Type(string resource) => _resources[resource]?["type"]?.GetValue<string>();

    private Dictionary<string, string> Environment(string resource) =>
        _resources[resource]!["env"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());
}

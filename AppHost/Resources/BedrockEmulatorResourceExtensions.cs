using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchyard.AppHost;

public static class BedrockEmulatorResourceExtensions
{
    /// <summary>Regions the emulator serves, one Kestrel endpoint each (named after the Region in its appsettings.json).</summary>
    public static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"];

    /// <summary>Endpoint of the admin API (faults, quotas, invocation log).</summary>
    public const string AdminEndpoint = "admin";

    /// <summary>Endpoint of the OpenAI-compatible second provider.</summary>
    public const string OpenAIEndpoint = "openai";

    /// <summary>Dashboard commands on the emulator: each one call to its admin API.</summary>
    private static readonly AdminCommand[] FaultCommands =
    [
        new("us-east-1-outage", "us-east-1 outage", "Requests to or served in us-east-1 fail with 503 ServiceUnavailableException.",
            "CloudDismiss", HttpMethod.Post, "/admin/faults", """{"kind":"outage","region":"us-east-1"}"""),
        new("us-west-2-outage", "us-west-2 outage", "Requests to or served in us-west-2 fail with 503 ServiceUnavailableException.",
            "CloudDismiss", HttpMethod.Post, "/admin/faults", """{"kind":"outage","region":"us-west-2"}"""),
        new("throttle-storm", "Throttle storm (50%)", "Half of all requests, everywhere, fail with 429 ThrottlingException.",
            "TopSpeed", HttpMethod.Post, "/admin/faults", """{"kind":"throttle","rate":0.5}"""),
        new("latency-spike", "Latency spike", "Every answer starts 3 seconds later.",
            "Clock", HttpMethod.Post, "/admin/faults", """{"kind":"latency","latencyMs":3000}"""),
        // Issue 14's two response-time faults: an attempt that never answers, and one whose first token is late.
        new("us-east-1-hang", "us-east-1 hang", "Requests to or served in us-east-1 get no answer until the caller gives up.",
            "HourglassHalf", HttpMethod.Post, "/admin/faults", """{"kind":"hang","region":"us-east-1"}"""),
        new("us-east-1-slow-first-token", "us-east-1 slow first token (+3 s)", "Answers from us-east-1 start 3 seconds later; other Regions are unaffected.",
            "Timer", HttpMethod.Post, "/admin/faults", """{"kind":"latency","region":"us-east-1","latencyMs":3000}"""),
        new("stream-cut", "Cut streams", "Every stream ends after 5 events with a modelStreamErrorException.",
            "PlugDisconnected", HttpMethod.Post, "/admin/faults", """{"kind":"stream-cut","afterEvents":5}"""),
        new("recover-all", "Recover all", "Clears every injected fault (a hung request stays hung until its caller gives up).",
            "ArrowReset", HttpMethod.Delete, "/admin/faults", null),
    ];

    private static readonly HttpClient AdminClient = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static IResourceBuilder<ProjectResource> AddBedrockEmulator(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddProject<Projects.BedrockEmulator>(name)
            .WithHttpHealthCheck("/health", endpointName: AdminEndpoint)
            .WithEmulatorAccounts(builder.Configuration, "Emulator")
            .WithFaultCommands();

    /// <summary>Adds <see cref="FaultCommands"/>, enabled while the emulator is healthy.</summary>
    private static IResourceBuilder<ProjectResource> WithFaultCommands(this IResourceBuilder<ProjectResource> emulator)
    {
        var admin = emulator.GetEndpoint(AdminEndpoint);
        foreach (var command in FaultCommands)
        {
            emulator.WithCommand(command.Name, command.DisplayName, context => command.SendAsync(admin, context.CancellationToken), new CommandOptions
            {
                Description = command.Description,
                IconName = command.Icon,
                UpdateState = context => context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });
        }

        return emulator;
    }

    private sealed record AdminCommand(string Name, string DisplayName, string Description, string Icon, HttpMethod Method, string Path, string? Body)
    {
        public async Task<ExecuteCommandResult> SendAsync(EndpointReference admin, CancellationToken cancellationToken)
        {
            using var request = new HttpRequestMessage(Method, new Uri(new Uri(admin.Url), Path))
            {
                Content = Body is null ? null : new StringContent(Body, Encoding.UTF8, "application/json"),
            };
            try
            {
                using var response = await AdminClient.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode
                    ? CommandResults.Success()
                    : CommandResults.Failure($"The emulator answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
            catch (HttpRequestException e)
            {
                return CommandResults.Failure($"The emulator's admin API did not answer: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Passes the emulator's test accounts (AppHost configuration <c>Emulator:Accounts</c>) to a
    /// resource under <paramref name="prefix"/>, so the emulator and the Router share one source of truth.
    /// </summary>
    public static IResourceBuilder<T> WithEmulatorAccounts<T>(this IResourceBuilder<T> resource, IConfiguration configuration, string prefix)
        where T : IResourceWithEnvironment
    {
        foreach (var account in configuration.GetSection("Emulator:Accounts").GetChildren())
        {
            foreach (var setting in account.GetChildren())
            {
                resource.WithEnvironment($"{prefix}__Accounts__{account.Key}__{setting.Key}", setting.Value);
            }
        }

        return resource;
    }
}

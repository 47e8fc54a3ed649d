using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;

namespace Switchyard.AppHost.Tests;

/// <summary>
/// The Router as it runs on EKS with a pod role: no static keys, no profile, no AWS files, only a web identity
/// token file and a role ARN. The AWS SDK's default chain exchanges the token with STS
/// AssumeRoleWithWebIdentity (here the emulator's, through AWS_ENDPOINT_URL_STS) and the Router signs its
/// Bedrock calls with the temporary credentials it gets back.
/// </summary>
[Trait("Category", "Topology")]
public sealed class WebIdentityTests : IAsyncLifetime
{
    private const string RoleArn = "arn:aws:iam::111111111111:role/switchyard-router";
    private const string AdminKey = "web-identity-test-admin-key";

    /// <summary>Holds the token file; the Router's shared credentials and config files would be here, and are not.</summary>
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-web-identity-").FullName;

    private DistributedApplication? _app;

    public async Task InitializeAsync()
    {
        var tokenFile = Path.Combine(_directory, "token");
        // As the EKS pod identity webhook mounts it: a JWT with no trailing newline.
        await File.WriteAllTextAsync(tokenFile, ServiceAccountToken());

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"Parameters:quota-admin-key={AdminKey}"], (options, _) => options.DisableDashboard = true, timeout.Token);
        // The chat app plays no part here.
        builder.Resources.Remove(builder.Resources.Single(r => r.Name == "chat"));
        var bedrock = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "bedrock"));
        var router = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "router"));
        foreach (var account in new[] { "primary", "secondary" })
        {
            // Later values win: the emulator's static keys the AppHost passes are taken away again.
            router.WithEnvironment($"Bedrock__Accounts__{account}__AccessKeyId", "")
                .WithEnvironment($"Bedrock__Accounts__{account}__SecretAccessKey", "")
                .WithEnvironment($"Bedrock__Accounts__{account}__Profile", "");
        }

        router.WithEnvironment("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
            .WithEnvironment("AWS_ROLE_ARN", RoleArn)
            .WithEnvironment("AWS_ROLE_SESSION_NAME", "switchyard-router-test")
            .WithEnvironment("AWS_ENDPOINT_URL_STS", bedrock.GetEndpoint("us-east-1"))
            // Every other source of the default chain is empty or off, so only web identity can sign.
            .WithEnvironment("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(_directory, "no-credentials"))
            .WithEnvironment("AWS_CONFIG_FILE", Path.Combine(_directory, "no-config"))
            .WithEnvironment("AWS_PROFILE", "")
            .WithEnvironment("AWS_ACCESS_KEY_ID", "")
            .WithEnvironment("AWS_SECRET_ACCESS_KEY", "")
            .WithEnvironment("AWS_SESSION_TOKEN", "")
            .WithEnvironment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
            .WithEnvironment("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
            .WithEnvironment("AWS_EC2_METADATA_DISABLED", "true");

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "cache", "bedrock", "quotas", "router" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_chat_completion_is_served_by_bedrock_signed_with_the_credentials_sts_issued_for_the_web_identity()
    {
        using var router = _app!.CreateHttpClient("router");
        using var emulator = _app!.CreateHttpClient("bedrock", BedrockEmulatorResourceExtensions.AdminEndpoint);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"claude-sonnet-cris","max_tokens":16,"messages":[{"role":"user","content":"Who am I?"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "demo-key");

        using var response = await router.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("bedrock", Header(response, "x-switchyard-provider"));
        Assert.Equal("primary", Header(response, "x-switchyard-account"));
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));

        // The emulator verified the SigV4 signature of that call (sent to us-east-1, the cross-Region profile
        // serves it where it likes) and charged it to the role's account.
        var invocation = Assert.Single((await emulator.GetFromJsonAsync<JsonElement>("/admin/invocations")).EnumerateArray());
        Assert.Equal("primary", invocation.GetProperty("account").GetString());
        Assert.Equal("us-east-1", invocation.GetProperty("sourceRegion").GetString());
        Assert.Equal("success", invocation.GetProperty("outcome").GetString());
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    /// <summary>A projected service-account token's shape: header, claims and a signature, each base64url.</summary>
    private static string ServiceAccountToken()
    {
        static string Segment(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var issued = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return string.Join('.',
            Segment("""{"alg":"RS256","kid":"switchyard-test"}"""),
            Segment($$"""{"iss":"https://oidc.eks.us-east-1.amazonaws.com/id/SWITCHYARD","sub":"system:serviceaccount:switchyard:router","aud":["sts.amazonaws.com"],"iat":{{issued}},"exp":{{issued + 3600}}}"""),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(256)));
    }
}

using System.Collections.Concurrent;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Switchyard.Router.Configuration;

namespace Switchyard.Router.Providers.Bedrock;

/// <summary>Amazon Bedrock: one SigV4-signing HttpClient per account and Region, shared by its deployments.</summary>
internal sealed class BedrockProvider(IOptionsMonitor<BedrockOptions> options, ProviderTransport transport, TimeProvider clock) : IProvider
{
    private const string SigningService = "bedrock";

    private readonly ConcurrentDictionary<(string Account, string Region), HttpClient> _clients = new();

    public string Name => "bedrock";

    public string TelemetryName => "aws.bedrock";

    /// <summary>Converse takes a final assistant message as the start of the answer (Claude's prefill).</summary>
    public bool SupportsAssistantPrefill => true;

    public IEnumerable<string> Validate(string deploymentName, DeploymentOptions deployment)
    {
        if (!options.CurrentValue.Accounts.ContainsKey(deployment.Account))
        {
            yield return $"Deployment '{deploymentName}' uses Bedrock account '{deployment.Account}', which is not configured under Bedrock:Accounts.";
        }

        if (string.IsNullOrWhiteSpace(deployment.Region))
        {
            yield return $"Deployment '{deploymentName}' is a Bedrock deployment without a Region.";
        }
        else if (!Uri.TryCreate(EndpointText(deployment.Region), UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            yield return $"Bedrock:Endpoints:{deployment.Region} is '{EndpointText(deployment.Region)}', not an http or https address.";
        }
        else if (UpstreamHttpVersion.For(endpoint, options.CurrentValue.HttpVersion) is null)
        {
            yield return UpstreamHttpVersion.Refusal("Bedrock:HttpVersion", options.CurrentValue.HttpVersion!);
        }
    }

    public IChatClient CreateClient(DeploymentOptions deployment)
    {
        var region = deployment.Region!;
        var http = _clients.GetOrAdd((deployment.Account, region), key => CreateHttpClient(key.Account, key.Region));
        var endpoint = EndpointFor(region);
        // Validate refused any other value before a client is made.
        var version = UpstreamHttpVersion.For(endpoint, options.CurrentValue.HttpVersion) ?? UpstreamHttpVersion.Http11;
        return new BedrockChatClient(http, endpoint, version, deployment.Model, clock);
    }

    private Uri EndpointFor(string region)
    {
        var configured = EndpointText(region);
        return new Uri(configured.EndsWith('/') ? configured : configured + "/");
    }

    private string EndpointText(string region) =>
        options.CurrentValue.Endpoints.GetValueOrDefault(region) ?? $"https://bedrock-runtime.{region}.amazonaws.com/";

    private HttpClient CreateHttpClient(string account, string region)
    {
        // The handler asks the credentials for keys on every send, so refreshing ones (web identity, SSO,
        // assumed roles, container and instance roles) renew before they expire instead of being snapshotted.
        var signer = new SigV4SigningHandler(ResolveCredentials(account, options.CurrentValue.Accounts[account]), RegionEndpoint.GetBySystemName(region), SigningService, transport);
        // The router owns deadlines; the handler chain is kept for the process lifetime.
        return new HttpClient(signer, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Static keys, else the named profile (which may be an SSO, assume-role or credential_process profile),
    /// else the SDK's default chain: web identity (EKS pod roles), environment keys, the AWS_PROFILE or
    /// "default" profile, then container and instance roles. STS and SSO calls go through
    /// AWSSDK.SecurityToken, AWSSDK.SSO and AWSSDK.SSOOIDC, which AWSSDK.Core loads by name.
    /// </summary>
    private static AWSCredentials ResolveCredentials(string accountName, BedrockAccountOptions account)
    {
        if (!string.IsNullOrEmpty(account.AccessKeyId) && !string.IsNullOrEmpty(account.SecretAccessKey))
        {
            return string.IsNullOrEmpty(account.SessionToken)
                ? new BasicAWSCredentials(account.AccessKeyId, account.SecretAccessKey)
                : new SessionAWSCredentials(account.AccessKeyId, account.SecretAccessKey, account.SessionToken);
        }

        if (!string.IsNullOrWhiteSpace(account.Profile))
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(account.Profile, out var profileCredentials)
                ? profileCredentials
                : throw new InvalidOperationException(
                    $"Bedrock:Accounts:{accountName}:Profile names the AWS profile '{account.Profile}', which is in neither the shared credentials file nor the config file. "
                    + "Leave it empty to use the default credential chain.");
        }

        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }
}

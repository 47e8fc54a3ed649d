using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.Tests;

/// <summary>How an account's credentials are chosen; the default chain end to end is AppHost.Tests' WebIdentityTests.</summary>
public sealed class BedrockCredentialsTests
{
    [Fact]
    public void A_named_profile_that_is_missing_fails_naming_the_setting_and_the_profile()
    {
        var profile = $"switchyard-missing-{Guid.NewGuid():N}";
        var options = new BedrockOptions { Accounts = { ["primary"] = new BedrockAccountOptions { Profile = profile } } };
        var provider = new BedrockProvider(new StaticOptionsMonitor<BedrockOptions>(options), new ProviderTransport(), TimeProvider.System);

        var error = Assert.Throws<InvalidOperationException>(() =>
            provider.CreateClient(new DeploymentOptions { Provider = "bedrock", Account = "primary", Region = "us-east-1", Model = "anthropic.claude-sonnet-4-6" }));

        Assert.Contains("Bedrock:Accounts:primary:Profile", error.Message);
        Assert.Contains($"'{profile}'", error.Message);
        Assert.Contains("default credential chain", error.Message);
    }
}

namespace Switchyard.Router.Configuration;

/// <summary>
/// Credentials of one AWS account: static keys, a named profile, or neither (the default credential chain,
/// which includes web identity and SSO). An empty or blank profile means the default chain.
/// </summary>
public sealed class BedrockAccountOptions
{
    public string? AccountId { get; set; }

    public string? Profile { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SessionToken { get; set; }
}

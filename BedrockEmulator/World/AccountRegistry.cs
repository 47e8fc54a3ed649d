using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Configuration;

namespace Switchyard.BedrockEmulator.World;

/// <summary>The configured accounts, found by SigV4 access key id or by OpenAI bearer key.</summary>
internal sealed class AccountRegistry
{
    private readonly FrozenDictionary<string, EmulatedAccount> _byAccessKey;
    private readonly FrozenDictionary<string, EmulatedAccount> _byOpenAIKey;

    public AccountRegistry(IOptions<EmulatorOptions> options)
    {
        All = [.. options.Value.Accounts.Select(a => new EmulatedAccount(a.Key, a.Value.AccountId, a.Value.AccessKeyId, a.Value.SecretAccessKey))];
        _byAccessKey = All.ToFrozenDictionary(a => a.AccessKeyId, StringComparer.Ordinal);
        _byOpenAIKey = options.Value.OpenAI.Keys.ToFrozenDictionary(k => k.Key, k => All.First(a => a.Name == k.Value), StringComparer.Ordinal);
    }

    public IReadOnlyList<EmulatedAccount> All { get; }

    public EmulatedAccount? ByAccessKeyId(string accessKeyId) => _byAccessKey.GetValueOrDefault(accessKeyId);

    /// <summary>The account of an OpenAI-style <c>Authorization: Bearer &lt;key&gt;</c> header, if the key is known.</summary>
    public EmulatedAccount? ByBearerHeader(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? _byOpenAIKey.GetValueOrDefault(authorization[7..].Trim()) : null;

    public bool Exists(string name) => All.Any(a => a.Name == name);
}

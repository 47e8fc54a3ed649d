using System.Security.Cryptography;
using System.Text;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Auth;

/// <summary>
/// Who signed a request, as STS GetCallerIdentity names it: the account, the unique id and the ARN of
/// the IAM user behind an account's permanent keys, or of the assumed role behind session credentials.
/// </summary>
internal sealed record AwsCaller(EmulatedAccount Account, string UserId, string Arn)
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The IAM user <c>switchyard-&lt;account name&gt;</c> that owns the account's configured access key.</summary>
    public static AwsCaller User(EmulatedAccount account) =>
        new(account, UniqueId("AIDA", account.AccountId + "/" + account.AccessKeyId), $"arn:aws:iam::{account.AccountId}:user/switchyard-{account.Name}");

    /// <summary>A session of <paramref name="roleName"/> (STS ARN <c>assumed-role/&lt;role&gt;/&lt;session&gt;</c>, user id <c>&lt;role id&gt;:&lt;session&gt;</c>).</summary>
    public static AwsCaller AssumedRole(EmulatedAccount account, string roleArn, string roleName, string sessionName) =>
        new(account, $"{RoleId(roleArn)}:{sessionName}", $"arn:aws:sts::{account.AccountId}:assumed-role/{roleName}/{sessionName}");

    /// <summary>The role's unique id (AROA...), stable for one role ARN as AWS's are.</summary>
    private static string RoleId(string roleArn) => UniqueId("AROA", roleArn);

    /// <summary>AWS unique ids are a 4-letter type prefix and 17 base32 characters; these derive from a hash so they never change.</summary>
    private static string UniqueId(string prefix, string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var id = new StringBuilder(prefix, prefix.Length + 17);
        for (var i = 0; i < 17; i++)
        {
            id.Append(Base32Alphabet[hash[i] % 32]);
        }

        return id.ToString();
    }
}

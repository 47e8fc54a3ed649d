using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Wire;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Sts;

/// <summary>
/// AWS STS (awsQuery: <c>POST /</c> with a form body) on a Region endpoint: GetCallerIdentity (SigV4, signing
/// name <c>sts</c>) and AssumeRoleWithWebIdentity (unsigned, as in AWS), whose session credentials the
/// emulator then accepts on every service of the role's account.
/// </summary>
internal sealed partial class StsHandler(SigV4Verifier verifier, SessionCredentialRegistry sessions, AccountRegistry accounts)
{
    public const string SigningName = "sts";
    public const string ApiVersion = "2011-06-15";

    private const int MinDurationSeconds = 900;
    private const int MaxDurationSeconds = 43_200;
    private const int DefaultDurationSeconds = 3_600;

    public ServiceResponse Handle(HttpContext context, EmulatedRegion region, ReadOnlySpan<byte> body)
    {
        var requestId = Guid.NewGuid().ToString();
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        var action = form.GetValueOrDefault("Action").ToString();
        var version = form.GetValueOrDefault("Version").ToString();
        if (action.Length == 0)
        {
            return StsXml.Error(new StsError(400, "MissingAction", "Missing Action"), requestId);
        }

        if (version.Length > 0 && version != ApiVersion)
        {
            return StsXml.Error(StsError.InvalidAction($"Could not find operation {action} for version {version}"), requestId);
        }

        if (action == "AssumeRoleWithWebIdentity")
        {
            return AssumeRoleWithWebIdentity(form, requestId);
        }

        if (!verifier.TryVerify(context, region.Name, SigningName, body, out var caller, out var authError))
        {
            return StsXml.Error(StsError.FromAuth(authError), requestId);
        }

        return action == "GetCallerIdentity"
            ? StsXml.CallerIdentity(caller, requestId)
            : StsXml.Error(StsError.InvalidAction(
                $"Could not find operation {action} for version {ApiVersion}: the emulator's STS serves GetCallerIdentity and AssumeRoleWithWebIdentity."), requestId);
    }

    private ServiceResponse AssumeRoleWithWebIdentity(Dictionary<string, StringValues> form, string requestId)
    {
        var roleArn = form.GetValueOrDefault("RoleArn").ToString();
        var sessionName = form.GetValueOrDefault("RoleSessionName").ToString();
        var token = form.GetValueOrDefault("WebIdentityToken").ToString();
        var durationText = form.GetValueOrDefault("DurationSeconds").ToString();

        var invalid = new List<string>();
        Require(invalid, roleArn, "roleArn");
        Require(invalid, sessionName, "roleSessionName");
        Require(invalid, token, "webIdentityToken");
        if (sessionName.Length > 0 && !SessionNamePattern().IsMatch(sessionName))
        {
            invalid.Add($"Value '{sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]{{2,64}}");
        }

        var duration = DefaultDurationSeconds;
        if (durationText.Length > 0
            && (!int.TryParse(durationText, NumberStyles.None, CultureInfo.InvariantCulture, out duration) || duration is < MinDurationSeconds or > MaxDurationSeconds))
        {
            invalid.Add($"Value '{durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between {MinDurationSeconds} and {MaxDurationSeconds}");
        }

        if (invalid.Count > 0)
        {
            return StsXml.Error(StsError.Validation($"{invalid.Count} validation error{(invalid.Count > 1 ? "s" : "")} detected: {string.Join("; ", invalid)}"), requestId);
        }

        if (RoleArnPattern().Match(roleArn) is not { Success: true } arn)
        {
            return StsXml.Error(StsError.Validation("Request ARN is invalid"), requestId);
        }

        if (WebIdentityToken.Parse(token) is not { } identity)
        {
            return StsXml.Error(new StsError(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"), requestId);
        }

        // The role's account is the emulated account whose id the ARN names; the emulator trusts every provider.
        if (accounts.All.FirstOrDefault(a => a.AccountId == arn.Groups["account"].Value) is not { } account)
        {
            return StsXml.Error(new StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"), requestId);
        }

        var caller = AwsCaller.AssumedRole(account, roleArn, arn.Groups["name"].Value, sessionName);
        return StsXml.AssumedRoleWithWebIdentity(sessions.Issue(caller, TimeSpan.FromSeconds(duration)), identity, requestId);
    }

    private static void Require(List<string> invalid, string value, string member)
    {
        if (value.Length == 0)
        {
            invalid.Add($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    /// <summary><c>arn:aws:iam::&lt;12 digits&gt;:role/[path/]&lt;name&gt;</c>.</summary>
    [GeneratedRegex(@"^arn:aws:iam::(?<account>[0-9]{12}):role/(?:[A-Za-z0-9_+=,.@-]+/)*(?<name>[A-Za-z0-9_+=,.@-]{1,64})$")]
    private static partial Regex RoleArnPattern();
}

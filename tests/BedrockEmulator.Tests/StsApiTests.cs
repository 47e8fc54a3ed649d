using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using static Switchyard.BedrockEmulator.Tests.AwsCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class StsApiTests(EmulatorHost host) : EmulatorTest(host)
{
    private const string RoleArn = "arn:aws:iam::222222222222:role/service/switchyard-web";

    [Fact]
    public async Task GetCallerIdentity_names_the_IAM_user_of_the_key_in_AWS_XML()
    {
        using var client = Client(Host, "sts");

        using var response = await StsAsync(client, "GetCallerIdentity");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = await StsXmlAsync(response);
        Assert.Equal(StsNamespace + "GetCallerIdentityResponse", xml.Name);
        var result = xml.Element(StsNamespace + "GetCallerIdentityResult")!;
        Assert.Equal("arn:aws:iam::111111111111:user/switchyard-primary", result.Element(StsNamespace + "Arn")?.Value);
        Assert.Equal("111111111111", result.Element(StsNamespace + "Account")?.Value);
        Assert.Matches("^AIDA[A-Z2-7]{17}$", result.Element(StsNamespace + "UserId")?.Value);
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(),
            xml.Element(StsNamespace + "ResponseMetadata")?.Element(StsNamespace + "RequestId")?.Value);
    }

    [Fact]
    public async Task Each_account_and_Region_endpoint_answers_for_its_own_key()
    {
        using var client = Client(Host, "sts", Secondary, "eu-west-1");

        var result = (await StsXmlAsync(await StsAsync(client, "GetCallerIdentity"))).Element(StsNamespace + "GetCallerIdentityResult")!;

        Assert.Equal("222222222222", result.Element(StsNamespace + "Account")?.Value);
        Assert.Equal("arn:aws:iam::222222222222:user/switchyard-secondary", result.Element(StsNamespace + "Arn")?.Value);
    }

    [Fact]
    public async Task SigV4_failures_are_STS_error_codes()
    {
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };
        using var wrongSecret = Client(Host, "sts", new BasicAWSCredentials(EmulatorHost.PrimaryAccessKey, EmulatorHost.SecondarySecret));
        using var unknownKey = Client(Host, "sts", new BasicAWSCredentials("AKIANOBODY", EmulatorHost.PrimarySecret));
        using var otherRegion = EmulatorHost.SignedClient(Host.Endpoint("us-east-1"), "us-west-2", "sts", Primary);

        await AssertErrorAsync(await StsAsync(unsigned, "GetCallerIdentity"), HttpStatusCode.Forbidden, "MissingAuthenticationToken");
        await AssertErrorAsync(await StsAsync(wrongSecret, "GetCallerIdentity"), HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        await AssertErrorAsync(await StsAsync(unknownKey, "GetCallerIdentity"), HttpStatusCode.Forbidden, "InvalidClientTokenId");
        await AssertErrorAsync(await StsAsync(otherRegion, "GetCallerIdentity"), HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task An_unknown_action_or_version_is_InvalidAction_and_a_missing_one_MissingAction()
    {
        using var client = Client(Host, "sts");

        await AssertErrorAsync(await StsAsync(client, "AssumeRole", ("RoleArn", RoleArn)), HttpStatusCode.BadRequest, "InvalidAction");
        await AssertErrorAsync(await client.PostAsync("/", new FormUrlEncodedContent([new("Action", "GetCallerIdentity"), new("Version", "2099-01-01")])),
            HttpStatusCode.BadRequest, "InvalidAction");
        await AssertErrorAsync(await client.PostAsync("/", new FormUrlEncodedContent([new("Version", "2011-06-15")])), HttpStatusCode.BadRequest, "MissingAction");
    }

    [Fact]
    public async Task AssumeRoleWithWebIdentity_is_unsigned_and_its_session_works_on_STS_Logs_and_Bedrock()
    {
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };
        var before = DateTimeOffset.UtcNow;

        using var response = await StsAsync(unsigned, "AssumeRoleWithWebIdentity",
            ("RoleArn", RoleArn), ("RoleSessionName", "web-1"), ("WebIdentityToken", WebIdentityToken()), ("DurationSeconds", "1800"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await StsXmlAsync(response)).Element(StsNamespace + "AssumeRoleWithWebIdentityResult")!;
        Assert.Equal("user-1", result.Element(StsNamespace + "SubjectFromWebIdentityToken")?.Value);
        Assert.Equal("switchyard", result.Element(StsNamespace + "Audience")?.Value);
        Assert.Equal("https://issuer.example", result.Element(StsNamespace + "Provider")?.Value);
        var user = result.Element(StsNamespace + "AssumedRoleUser")!;
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/switchyard-web/web-1", user.Element(StsNamespace + "Arn")?.Value);
        Assert.Matches("^AROA[A-Z2-7]{17}:web-1$", user.Element(StsNamespace + "AssumedRoleId")?.Value);
        var credentials = Credentials(result);
        Assert.Matches("^ASIA[A-Z2-7]{16}$", credentials.AccessKey);
        var expiration = DateTimeOffset.Parse(result.Element(StsNamespace + "Credentials")!.Element(StsNamespace + "Expiration")!.Value, CultureInfo.InvariantCulture);
        Assert.InRange(expiration, before.AddSeconds(1799), DateTimeOffset.UtcNow.AddSeconds(1800));

        using var sts = Client(Host, "sts", credentials.Aws);
        var identity = (await StsXmlAsync(await StsAsync(sts, "GetCallerIdentity"))).Element(StsNamespace + "GetCallerIdentityResult")!;
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/switchyard-web/web-1", identity.Element(StsNamespace + "Arn")?.Value);
        Assert.Equal(user.Element(StsNamespace + "AssumedRoleId")?.Value, identity.Element(StsNamespace + "UserId")?.Value);
        Assert.Equal("222222222222", identity.Element(StsNamespace + "Account")?.Value);

        using var logs = Client(Host, "logs", credentials.Aws);
        var groups = await LogsOkAsync(await LogsAsync(logs, "DescribeLogGroups", new { }));
        Assert.Equal("arn:aws:logs:us-east-1:222222222222:log-group:BedrockModelInvocation:*", groups.GetProperty("logGroups")[0].GetProperty("arn").GetString());

        using var bedrock = Client(Host, "bedrock", credentials.Aws);
        using var converse = await BedrockCalls.ConverseAsync(bedrock, BedrockCalls.NovaLite);
        Assert.Equal(HttpStatusCode.OK, converse.StatusCode);
        var invocations = await Host.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/admin/invocations");
        Assert.Equal("secondary", invocations[0].GetProperty("account").GetString());
    }

    [Fact]
    public async Task Session_credentials_need_their_own_token()
    {
        var credentials = await AssumeAsync();
        using var noToken = Client(Host, "sts", new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey));
        using var otherToken = Client(Host, "sts", new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, (await AssumeAsync()).Token));
        using var permanentWithToken = Client(Host, "sts", new SessionAWSCredentials(EmulatorHost.PrimaryAccessKey, EmulatorHost.PrimarySecret, credentials.Token));

        await AssertErrorAsync(await StsAsync(noToken, "GetCallerIdentity"), HttpStatusCode.Forbidden, "InvalidClientTokenId");
        await AssertErrorAsync(await StsAsync(otherToken, "GetCallerIdentity"), HttpStatusCode.Forbidden, "InvalidClientTokenId");
        await AssertErrorAsync(await StsAsync(permanentWithToken, "GetCallerIdentity"), HttpStatusCode.Forbidden, "InvalidClientTokenId");
    }

    [Fact]
    public async Task Expired_session_credentials_are_ExpiredToken_on_every_service()
    {
        var credentials = await AssumeAsync(durationSeconds: 900);
        using var sts = Client(Host, "sts", credentials.Aws);
        using var logs = Client(Host, "logs", credentials.Aws);
        using var bedrock = Client(Host, "bedrock", credentials.Aws);
        using (var stillValid = await StsAsync(sts, "GetCallerIdentity"))
        {
            Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        }

        Host.Clock.Offset = TimeSpan.FromSeconds(901);

        await AssertErrorAsync(await StsAsync(sts, "GetCallerIdentity"), HttpStatusCode.Forbidden, "ExpiredToken");
        Assert.Equal("ExpiredTokenException", await LogsErrorTypeAsync(await LogsAsync(logs, "DescribeLogGroups", new { })));
        using var converse = await BedrockCalls.ConverseAsync(bedrock, BedrockCalls.NovaLite);
        Assert.Equal(HttpStatusCode.Forbidden, converse.StatusCode);
        Assert.Equal("ExpiredTokenException", BedrockCalls.ErrorType(converse));
    }

    [Fact]
    public async Task A_token_that_is_not_a_JWT_is_InvalidIdentityToken()
    {
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };

        foreach (var token in new[] { "opaque-access-token", "a.b", "a..c", "a.b.c.d", "a.b+.c", "header.claims.sig=" })
        {
            await AssertErrorAsync(await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleArn", RoleArn), ("RoleSessionName", "web-1"), ("WebIdentityToken", token)),
                HttpStatusCode.BadRequest, "InvalidIdentityToken");
        }

        // JWT-shaped but with a payload that is no JSON: accepted, with no claims to echo.
        using var shapeOnly = await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleArn", RoleArn), ("RoleSessionName", "web-1"), ("WebIdentityToken", "aaaa.bbbb.cccc"));
        Assert.Equal(HttpStatusCode.OK, shapeOnly.StatusCode);
        Assert.Null((await StsXmlAsync(shapeOnly)).Element(StsNamespace + "AssumeRoleWithWebIdentityResult")!.Element(StsNamespace + "SubjectFromWebIdentityToken"));
    }

    [Fact]
    public async Task Bad_parameters_are_ValidationError_and_an_unknown_account_AccessDenied()
    {
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };
        var token = WebIdentityToken();

        await AssertErrorAsync(await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleSessionName", "web-1"), ("WebIdentityToken", token)),
            HttpStatusCode.BadRequest, "ValidationError", "roleArn");
        await AssertErrorAsync(await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleArn", RoleArn), ("RoleSessionName", "a b"), ("WebIdentityToken", token)),
            HttpStatusCode.BadRequest, "ValidationError", "roleSessionName");
        await AssertErrorAsync(await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleArn", RoleArn), ("RoleSessionName", "web-1"), ("WebIdentityToken", token), ("DurationSeconds", "899")),
            HttpStatusCode.BadRequest, "ValidationError", "durationSeconds");
        await AssertErrorAsync(await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleArn", "arn:aws:iam::2222:role/x"), ("RoleSessionName", "web-1"), ("WebIdentityToken", token)),
            HttpStatusCode.BadRequest, "ValidationError", "ARN");
        await AssertErrorAsync(await StsAsync(unsigned, "AssumeRoleWithWebIdentity", ("RoleArn", "arn:aws:iam::999999999999:role/x"), ("RoleSessionName", "web-1"), ("WebIdentityToken", token)),
            HttpStatusCode.Forbidden, "AccessDenied");
    }

    private async Task<SessionKeys> AssumeAsync(int durationSeconds = 3600)
    {
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };
        using var response = await StsAsync(unsigned, "AssumeRoleWithWebIdentity",
            ("RoleArn", RoleArn), ("RoleSessionName", "web-1"), ("WebIdentityToken", WebIdentityToken()), ("DurationSeconds", durationSeconds.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Credentials((await StsXmlAsync(response)).Element(StsNamespace + "AssumeRoleWithWebIdentityResult")!);
    }

    private static SessionKeys Credentials(XElement result)
    {
        var credentials = result.Element(StsNamespace + "Credentials")!;
        return new SessionKeys(
            credentials.Element(StsNamespace + "AccessKeyId")!.Value,
            credentials.Element(StsNamespace + "SecretAccessKey")!.Value,
            credentials.Element(StsNamespace + "SessionToken")!.Value);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? messagePart = null)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var error = await StsErrorAsync(response);
            Assert.Equal(code, error.Code);
            Assert.Contains(messagePart ?? "", error.Message);
        }
    }

    private sealed record SessionKeys(string AccessKey, string SecretKey, string Token)
    {
        public SessionAWSCredentials Aws => new(AccessKey, SecretKey, Token);
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>STS (awsQuery form bodies, XML answers) and CloudWatch Logs (awsJson1_1) calls on a Region endpoint, as the AWS SDKs send them.</summary>
internal static class AwsCalls
{
    public static readonly XNamespace StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    public static readonly BasicAWSCredentials Primary = new(EmulatorHost.PrimaryAccessKey, EmulatorHost.PrimarySecret);
    public static readonly BasicAWSCredentials Secondary = new(EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);

    public static HttpClient Client(EmulatorHost host, string service, AWSCredentials? credentials = null, string region = "us-east-1") =>
        EmulatorHost.SignedClient(host.Endpoint(region), region, service, credentials ?? Primary);

    public static Task<HttpResponseMessage> StsAsync(HttpClient client, string action, params (string Name, string Value)[] parameters) =>
        client.PostAsync("/", new FormUrlEncodedContent(
            [new("Action", action), new("Version", "2011-06-15"), .. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))]));

    public static async Task<XElement> StsXmlAsync(HttpResponseMessage response)
    {
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        return XElement.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The Code and Message of an STS ErrorResponse, after checking its shape and request id.</summary>
    public static async Task<(string Code, string Message)> StsErrorAsync(HttpResponseMessage response)
    {
        var xml = await StsXmlAsync(response);
        Assert.Equal(StsNamespace + "ErrorResponse", xml.Name);
        Assert.Equal(response.Headers.GetValues("x-amzn-RequestId").Single(), xml.Element(StsNamespace + "RequestId")?.Value);
        var error = xml.Element(StsNamespace + "Error")!;
        Assert.Equal(response.StatusCode >= System.Net.HttpStatusCode.InternalServerError ? "Receiver" : "Sender", error.Element(StsNamespace + "Type")?.Value);
        var message = error.Element(StsNamespace + "Message")!.Value;
        Assert.False(string.IsNullOrEmpty(message));
        return (error.Element(StsNamespace + "Code")!.Value, message);
    }

    public static Task<HttpResponseMessage> LogsAsync(HttpClient client, string operation, object body) =>
        LogsRawAsync(client, operation, JsonSerializer.Serialize(body));

    public static Task<HttpResponseMessage> LogsRawAsync(HttpClient client, string target, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.Add("X-Amz-Target", target.Contains('.') ? target : "Logs_20140328." + target);
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> LogsJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static async Task<JsonElement> LogsOkAsync(HttpResponseMessage response)
    {
        var json = await LogsJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {json}");
        return json;
    }

    /// <summary>The <c>__type</c> of a Logs error, after checking it is a 400 with a message.</summary>
    public static async Task<string> LogsErrorTypeAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var json = await LogsJsonAsync(response);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
        return json.GetProperty("__type").GetString()!;
    }

    /// <summary>A JWT-shaped token (header.claims.signature, base64url) with these claims.</summary>
    public static string WebIdentityToken(string claimsJson = """{"sub":"user-1","aud":"switchyard","iss":"https://issuer.example"}""") =>
        $"{Base64Url("""{"alg":"RS256","typ":"JWT"}""")}.{Base64Url(claimsJson)}.{Base64Url("signature")}";

    private static string Base64Url(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}

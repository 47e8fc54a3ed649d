using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Admission;

namespace Switchyard.Router.Tests;

/// <summary>
/// The Router's routes without /v1, and every error in OpenAI's shape: unknown routes, wrong methods,
/// requests Kestrel rejects while reading them, and exceptions nothing else caught.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class ErrorResponseTests(RouterHost host) : IAsyncLifetime
{
    private const string Chat = """{"model":"pair","messages":[{"role":"user","content":"hi"}]}""";

    private readonly HttpClient _client = host.CreateClient();

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Chat_completions_and_models_are_served_without_v1_too()
    {
        using var root = await _client.PostAsync("/chat/completions", Json(Chat));
        using var v1 = await _client.PostAsync("/v1/chat/completions", Json(Chat));
        var rootModels = await _client.GetFromJsonAsync<JsonElement>("/models");
        var v1Models = await _client.GetFromJsonAsync<JsonElement>("/v1/models");

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal("answer from model-east", (await root.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(["model-east", "model-east"], host.Upstream.Calls);
        Assert.Equal(v1Models.GetRawText(), rootModels.GetRawText());
        Assert.Contains("pair", rootModels.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("POST", "/v2/chat/completions")]
    [InlineData("GET", "/nothing/here")]
    [InlineData("POST", "/v1/completions")]
    public async Task An_unknown_route_gets_an_openai_404(string method, string path)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(Chat) });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("unknown_url", error.GetProperty("code").GetString());
        Assert.Contains($"{method} {path}", error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Theory]
    [InlineData("GET", "/chat/completions", "POST")]
    [InlineData("PUT", "/v1/chat/completions", "POST")]
    [InlineData("DELETE", "/v1/models", "GET")]
    [InlineData("POST", "/models", "GET")]
    public async Task A_wrong_method_gets_an_openai_405_with_allow(string method, string path, string allowed)
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal([allowed], response.Content.Headers.Allow);
        var error = await ErrorOf(response);
        Assert.Equal("method_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Health_probes_and_the_admin_api_still_answer()
    {
        using var health = await _client.GetAsync("/health");
        using var alive = await _client.GetAsync("/alive");
        using var deployments = new HttpRequestMessage(HttpMethod.Get, "/admin/deployments");
        deployments.Headers.Authorization = new("Bearer", RouterHost.AdminKey);
        using var admin = await _client.SendAsync(deployments);

        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("east", (await admin.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(d => d.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task An_unexpected_exception_is_a_generic_500_with_the_trace_id_in_every_environment(string environment)
    {
        // A provider's exceptions are all classified (they fail over), so the unexpected one comes from the tenant store here.
        await using var app = host.WithWebHostBuilder(builder => builder
            .UseEnvironment(environment)
            .ConfigureTestServices(services => services.AddSingleton(DispatchProxy.Create<ITenantAdmission, ThrowingAdmission>())));

        using var response = await app.CreateClient().PostAsync("/v1/chat/completions", Json("""{"model":"solo","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain("ChatRouter", body);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        var traceId = Assert.Single(response.Headers.GetValues("x-switchyard-trace-id"));
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Contains(traceId, error.GetProperty("message").GetString());
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task A_body_that_grows_past_the_limit_without_content_length_gets_an_openai_413()
    {
        var big = new string('x', 5000); // the test host allows 4096 bytes
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json($$"""{"model":"pair","messages":[{"role":"user","content":"{{big}}"}]}"""),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await ErrorOf(response);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task A_body_kestrel_cannot_read_gets_an_openai_400()
    {
        // HttpClient never sends a malformed chunked body: write the request by hand.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAuthorization: Bearer test-key\r\n" +
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n"));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)); // Kestrel closes the connection after it

        Assert.StartsWith("HTTP/1.1 400 ", answer);
        var error = JsonDocument.Parse(Dechunk(answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("bad_request", error.GetProperty("code").GetString());
        Assert.Empty(host.Upstream.Calls);
    }

    /// <summary>The payload of an HTTP/1.1 chunked body: "size\r\ndata\r\n" repeated, ending with size 0.</summary>
    private static string Dechunk(string body)
    {
        var payload = new StringBuilder();
        for (var at = 0; ;)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd], 16);
            if (size == 0)
            {
                return payload.ToString();
            }

            payload.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    /// <summary>A tenant store whose every call fails in a way nothing expects.</summary>
    public class ThrowingAdmission : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("secret: Password=hunter2 at /srv/keys");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
}

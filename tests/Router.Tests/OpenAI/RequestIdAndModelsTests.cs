using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary><c>x-request-id</c> on every answer, and <c>/v1/models</c> behind the tenant's key and allow-list.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class RequestIdAndModelsTests(RouterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("POST", "/v1/chat/completions", """{"model":"pair","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.OK)]
    [InlineData("POST", "/v1/chat/completions", """{"model":"pair","messages":[]}""", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/v1/chat/completions", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/v1/nowhere", null, HttpStatusCode.NotFound)]
    [InlineData("DELETE", "/v1/models", null, HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/models", null, HttpStatusCode.OK)]
    public async Task A_usable_client_request_id_is_echoed_on_every_answer(string method, string path, string? body, HttpStatusCode expected)
    {
        using var response = await SendAsync(method, path, body, requestId: "client-id_42.a:b");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("client-id_42.a:b", Assert.Single(response.Headers.GetValues("x-request-id")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("a/b<c>")]
    public async Task A_missing_or_unusable_request_id_is_replaced_by_a_generated_one(string? sent)
    {
        using var first = await SendAsync("POST", "/v1/chat/completions", """{"model":"pair","messages":[{"role":"user","content":"hi"}]}""", sent);
        using var second = await SendAsync("POST", "/v1/chat/completions", """{"model":"pair","messages":[]}""", sent);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var ids = new[] { first, second }.Select(r => Assert.Single(r.Headers.GetValues("x-request-id"))).ToList();
        Assert.All(ids, id => Assert.Matches("^req_[0-9a-f]{32}$", id));
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Fact]
    public async Task An_overlong_request_id_is_replaced()
    {
        using var response = await SendAsync("GET", "/v1/models", null, new string('a', 129));

        Assert.StartsWith("req_", Assert.Single(response.Headers.GetValues("x-request-id")));
    }

    [Fact]
    public async Task A_refused_key_gets_its_401_with_a_request_id()
    {
        using var response = await SendAsync("GET", "/v1/models", null, "abc", authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("abc", Assert.Single(response.Headers.GetValues("x-request-id")));
        Assert.Equal("missing_api_key", OpenAIError.Parse(await response.Content.ReadAsStringAsync()).Code);
    }

    [Theory]
    [InlineData(null, "missing_api_key")]
    [InlineData("Bearer no-such-key", "invalid_api_key")]
    public async Task Models_require_a_key(string? authorization, string code)
    {
        foreach (var path in new[] { "/v1/models", "/models" })
        {
            using var response = await SendAsync("GET", path, null, null, authorization);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(code, OpenAIError.Parse(await response.Content.ReadAsStringAsync()).Code);
        }
    }

    [Theory]
    [InlineData("Bearer closed-key", new[] { "solo" })]
    [InlineData("Bearer test-key", new[] { "backup", "claude", "nova", "pair", "primary", "solo" })]
    public async Task Models_lists_only_the_groups_the_tenant_may_use(string authorization, string[] expected)
    {
        using var response = await SendAsync("GET", "/v1/models", null, null, authorization);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var models = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected, models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? requestId, string? authorization = "Bearer test-key")
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = authorization is null ? null : AuthenticationHeaderValue.Parse(authorization);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (requestId is not null)
        {
            request.Headers.TryAddWithoutValidation("x-request-id", requestId);
        }

        return await client.SendAsync(request);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Switchyard.Router.Configuration;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests.Routing;

/// <summary>
/// Fallback chains end to end, each failure kind against the triggers configured for it. Groups: "short"
/// (one deployment) falls back to "filtered" on content-filtered, then to "long" on context-window; "strict"
/// falls back to "long" on throttled only; "duo" (two deployments) falls back to "long" on the default triggers.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class FallbackTests : IAsyncLifetime
{
    private static readonly string[] Models = ["model-short", "model-filtered", "model-long", "model-strict", "model-duo-a", "model-duo-b"];

    private readonly RouterHost _host;
    private readonly WebApplicationFactory<Program> _router;
    private readonly HttpClient _client;

    public FallbackTests(RouterHost host)
    {
        _host = host;
        var settings = new Dictionary<string, string?>
        {
            ["Routing:ModelGroups:short:Deployments:0"] = "short-1",
            ["Routing:ModelGroups:short:Fallbacks:0:Group"] = "filtered",
            ["Routing:ModelGroups:short:Fallbacks:0:On:0"] = "content-filtered",
            ["Routing:ModelGroups:short:Fallbacks:1:Group"] = "long",
            ["Routing:ModelGroups:short:Fallbacks:1:On:0"] = "Context-Window",
            ["Routing:ModelGroups:filtered:Deployments:0"] = "filtered-1",
            ["Routing:ModelGroups:long:Deployments:0"] = "long-1",
            ["Routing:ModelGroups:strict:Deployments:0"] = "strict-1",
            ["Routing:ModelGroups:strict:Fallbacks:0:Group"] = "long",
            ["Routing:ModelGroups:strict:Fallbacks:0:On:0"] = "throttled",
            ["Routing:ModelGroups:duo:Deployments:0"] = "duo-a",
            ["Routing:ModelGroups:duo:Deployments:1"] = "duo-b",
            ["Routing:ModelGroups:duo:Strategy"] = "priority",
            ["Routing:ModelGroups:duo:Fallbacks:0:Group"] = "long",
        };
        foreach (var (deployment, model) in new[] { ("short-1", "model-short"), ("filtered-1", "model-filtered"), ("long-1", "model-long"), ("strict-1", "model-strict"), ("duo-a", "model-duo-a"), ("duo-b", "model-duo-b") })
        {
            settings[$"Routing:Deployments:{deployment}:Provider"] = "scripted";
            settings[$"Routing:Deployments:{deployment}:Account"] = deployment;
            settings[$"Routing:Deployments:{deployment}:Model"] = model;
        }

        _router = host.WithSettings(settings);
        _client = _router.CreateClient();
    }

    public async Task InitializeAsync()
    {
        await _host.ResetAsync();
        using var reset = new HttpRequestMessage(HttpMethod.Post, "/admin/reset");
        reset.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RouterHost.AdminKey);
        (await _client.SendAsync(reset)).EnsureSuccessStatusCode();
        foreach (var model in Models)
        {
            _host.Upstream.Succeed(model);
        }

        _host.Upstream.Calls.Clear();
    }

    public async Task DisposeAsync() => await _router.DisposeAsync();

    [Fact]
    public async Task A_prompt_too_long_skips_fallbacks_for_other_triggers_and_takes_the_one_for_context_window()
    {
        _host.Upstream.Behaviour["model-short"] = () => new ProviderException(FailureKind.ContextWindowExceeded, 400, "ValidationException", "too long");

        using var response = await ChatAsync("short");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("long", Header(response, "x-switchyard-model-group"));
        Assert.Equal("true", Header(response, "x-switchyard-fallback"));
        Assert.Equal("2", Header(response, "x-switchyard-attempts"));
        Assert.Equal(["model-short", "model-long"], _host.Upstream.Calls);
    }

    [Fact]
    public async Task A_failure_no_fallback_is_configured_for_is_the_clients_error()
    {
        _host.Upstream.Behaviour["model-strict"] = () => new ProviderException(FailureKind.ContextWindowExceeded, 400, "ValidationException", "too long");

        using var response = await ChatAsync("strict");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("context_length_exceeded", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(["model-strict"], _host.Upstream.Calls);
    }

    [Fact]
    public async Task A_group_down_everywhere_fails_over_first_then_falls_back_on_unavailable()
    {
        _host.Upstream.Fail("model-duo-a", FailureKind.Unavailable);
        _host.Upstream.Fail("model-duo-b", FailureKind.ServerError);

        using var response = await ChatAsync("duo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("long", Header(response, "x-switchyard-model-group"));
        Assert.Equal("3", Header(response, "x-switchyard-attempts"));
        Assert.Equal(["model-duo-a", "model-duo-b", "model-long"], _host.Upstream.Calls);
    }

    [Fact]
    public async Task A_step_configured_for_some_triggers_falls_back_on_those_only()
    {
        _host.Upstream.Fail("model-strict", FailureKind.Timeout);

        using var response = await ChatAsync("strict");

        // Timeouts are retried in the group, never taken to "long", whose step names throttling alone.
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.NotEmpty(_host.Upstream.Calls);
        Assert.All(_host.Upstream.Calls, call => Assert.Equal("model-strict", call));
    }

    [Fact]
    public async Task A_step_configured_for_some_triggers_still_falls_back_on_them()
    {
        _host.Upstream.Fail("model-strict", FailureKind.Throttled);

        using var response = await ChatAsync("strict");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("long", Header(response, "x-switchyard-model-group"));
    }

    [Theory]
    [InlineData(FailureKind.Throttled, "throttled")]
    [InlineData(FailureKind.Unavailable, "unavailable")]
    [InlineData(FailureKind.ServerError, "unavailable")]
    [InlineData(FailureKind.Timeout, "timeout")]
    [InlineData(FailureKind.ContextWindowExceeded, "context-window")]
    [InlineData(FailureKind.ContentFiltered, "content-filtered")]
    [InlineData(FailureKind.ClientError, "client-error")]
    public void Every_failure_names_its_trigger_as_configuration_spells_it(FailureKind kind, string name)
    {
        var trigger = new ProviderException(kind, 500, "E", "detail").Trigger;

        Assert.Equal(name, trigger.Name);
        Assert.Equal(name, $"{trigger}");
        Assert.Equal(kind != FailureKind.ClientError, FallbackTrigger.TryParse(name.ToUpperInvariant(), out var parsed) && parsed == trigger);
    }

    [Fact]
    public void Unknown_triggers_do_not_parse_and_the_message_lists_the_known_ones()
    {
        Assert.False(FallbackTrigger.TryParse("bad-weather", out _));
        Assert.False(FallbackTrigger.TryParse(null, out _));
        var error = Assert.Throws<ArgumentException>(() => FallbackTrigger.Parse("bad-weather"));
        Assert.Contains("throttled, unavailable, timeout, context-window, content-filtered", error.Message);
    }

    private Task<HttpResponseMessage> ChatAsync(string model) =>
        _client.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","max_tokens":50,"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : null;
}

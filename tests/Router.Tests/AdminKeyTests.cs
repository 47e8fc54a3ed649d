using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchyard.ServiceDefaults.Auth;

namespace Switchyard.Router.Tests;

/// <summary>
/// The Router's /admin endpoints behind the admin key every service shares (<see cref="AdminKeyFilter"/>): the key
/// in x-admin-key or as a bearer token, a 401 in OpenAI's shape otherwise, and no start without a key long enough.
/// </summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class AdminKeyTests(RouterHost host)
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("Authorization", "Bearer wrong-admin-key-0123456789")]
    [InlineData("Authorization", "Bearer ")]
    [InlineData("Authorization", "Basic " + RouterHost.AdminKey)]
    [InlineData("Authorization", "Bearer " + RouterHost.AdminKey + "x")]
    [InlineData("Authorization", "Bearer test-key")]
    [InlineData("x-admin-key", "wrong-admin-key-0123456789")]
    [InlineData("x-admin-key", "TEST-ADMIN-KEY-0123456789")]
    public async Task A_missing_or_wrong_key_is_a_401_in_OpenAIs_shape(string? header, string? value)
    {
        using var response = await SendAsync(header, value);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_admin_key", error.GetProperty("code").GetString());
        Assert.Equal(AdminKeyFilter.Requirement, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("Authorization", "Bearer " + RouterHost.AdminKey)]
    [InlineData("Authorization", "bearer " + RouterHost.AdminKey)]
    [InlineData("x-admin-key", RouterHost.AdminKey)]
    public async Task The_key_is_taken_as_a_bearer_token_or_in_x_admin_key(string header, string value)
    {
        using var response = await SendAsync(header, value);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("east", (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(d => d.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task X_admin_key_is_read_before_a_tenants_bearer_token()
    {
        using var client = host.CreateClient(); // sends the "test" tenant's key as its bearer token
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/deployments");
        request.Headers.Add("x-admin-key", RouterHost.AdminKey);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fifteen-chars-k")]
    public void The_Router_does_not_start_without_an_admin_key_of_16_characters(string key)
    {
        using var router = host.WithSettings([new("Quotas:AdminKey", key)]);

        // Said in full when it fails otherwise: a start that fails for another reason must not pass for this one.
        var failure = Record.Exception(() => router.CreateClient());
        var cause = failure is AggregateException { InnerExceptions: [var inner] } ? inner : failure;
        Assert.True(cause is OptionsValidationException { Message: var message } && message.Contains("AdminKey", StringComparison.Ordinal),
            failure?.ToString() ?? "The Router started.");
    }

    private async Task<HttpResponseMessage> SendAsync(string? header, string? value)
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = null;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/deployments");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        return await client.SendAsync(request);
    }
}

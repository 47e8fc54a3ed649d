using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Bench.Hosting;

/// <summary>The QuotaService's admin API: creates the bench's tenants and reads their usage.</summary>
public sealed class QuotaAdmin
{
    private readonly HttpClient client;

    public QuotaAdmin(Uri baseAddress, string adminKey)
    {
        client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    /// <summary>Creates a tenant (replacing one of the same id) and returns its plain API key.</summary>
    public async Task<string> CreateTenantAsync(string id, long? requestsPerMinute = null, long? tokensPerMinute = null)
    {
        await client.DeleteAsync($"/admin/tenants/{id}");
        var definition = new
        {
            id,
            displayName = "bench " + id,
            limits = new { requestsPerMinute, tokensPerMinute },
            allowedModelGroups = Array.Empty<string>(),
            tier = "interactive",
        };
        using var response = await client.PostAsJsonAsync("/admin/tenants", definition, BenchJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating tenant {id} failed: {(int)response.StatusCode} {body}");
        }

        return JsonNode.Parse(body)?["apiKey"]?.GetValue<string>() ?? throw new InvalidOperationException("No apiKey in " + body);
    }

    /// <summary>The tenant's usage document as the QuotaService reports it (kept raw in the results).</summary>
    public async Task<JsonNode?> UsageAsync(string id) => JsonNode.Parse(await client.GetStringAsync($"/admin/tenants/{id}/usage"));
}

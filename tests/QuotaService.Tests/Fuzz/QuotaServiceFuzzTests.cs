using System.Text.Json;
using Switchyard.Tests;
using Switchyard.Tests.Fuzz;
using Xunit.Abstractions;

namespace Switchyard.QuotaService.Tests.Fuzz;

/// <summary>
/// Throws generated and mutated requests (<see cref="AdmissionRequestGen"/>) at the QuotaService's admission
/// API and tenant creation, and asserts what issue 13 asks of hostile input: no answer is a 5xx (the store is
/// up, so not even its 503), every error body is the service's <c>{"error":{"message","type"}}</c>, and a
/// refused admission is an admission decision. The service runs in memory over the real test store with the
/// demo tenants seeded. The seed is fixed, so a failure names a case that reproduces; the number of cases is
/// <c>SWITCHYARD_FUZZ_CASES</c> (<see cref="FuzzRunner"/>).
/// </summary>
[Trait("Category", "Redis")]
[Trait("Category", "Fuzz")]
public sealed class QuotaServiceFuzzTests(RedisTestServer server, ITestOutputHelper output) : IClassFixture<RedisTestServer>
{
    /// <summary>Case i is generated from PCG(Stream, Seed + i): the same cases on every run and machine.</summary>
    private const uint Stream = 13;

    private const ulong Seed = 20_261_203;

    [Fact]
    public async Task Generated_and_mutated_requests_never_get_a_5xx_and_every_error_is_in_the_service_shape()
    {
        await using var factory = new QuotaServiceFactory(server);
        // Besides the demo tenants (whose small limits are soon spent), one the run never exhausts. Index 4: after the demo file's four.
        await using var app = factory.WithWebHostBuilder(builder => builder
            .UseSetting("Quotas:SeedTenants:4:Id", "fuzz")
            .UseSetting("Quotas:SeedTenants:4:Keys:0", AdmissionRequestGen.FuzzTenantKey)
            .UseSetting("Quotas:SeedTenants:4:Limits:RequestsPerMinute", "1000000000000")
            .UseSetting("Quotas:SeedTenants:4:Limits:TokensPerMinute", "1000000000000000")
            .UseSetting("Quotas:SeedTenants:4:Limits:MaxConcurrency", "1000000"));
        using var client = app.CreateClient();
        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", QuotaServiceFactory.AdminKey);
        Assert.True((await admin.PostAsync("/admin/reset-usage", null)).IsSuccessStatusCode);

        var report = await FuzzRunner.RunAsync(Stream, Seed, new AdmissionRequestGen(), (fuzz, cancellation) => SendAsync(client, fuzz, cancellation));

        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.FailureReport);
        // The generator must reach every answer: admissions, settlements, refusals of each kind, lease conflicts.
        Assert.All(new[] { 200, 201, 204, 400, 401, 403, 404, 409, 429 }, status => Assert.True(report.Statuses.ContainsKey(status), $"no case answered {status}"));
    }

    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, FuzzCase fuzz, CancellationToken cancellation)
    {
        using var request = fuzz.ToRequest(fuzz.Path);
        using var response = await client.SendAsync(request, cancellation);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellation);
        try
        {
            switch (status)
            {
                case 200 when fuzz.Path.EndsWith("/admit", StringComparison.Ordinal):
                    CheckDecision(body, admitted: true);
                    break;
                case 201 when fuzz.Path == "/admin/tenants":
                    using (var created = JsonDocument.Parse(body))
                    {
                        _ = created.RootElement.GetProperty("apiKey").GetString();
                    }

                    break;
                case 204 when !fuzz.Path.EndsWith("/admit", StringComparison.Ordinal):
                    break;
                case 403 or 429 when fuzz.Path.EndsWith("/admit", StringComparison.Ordinal):
                    CheckDecision(body, admitted: false);
                    break;
                case >= 400 and < 500:
                    CheckError(body);
                    break;
                default:
                    return (status, $"answered {status}: {body}");
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (status, $"answered {status} with a body out of shape ({e.Message}): {body}");
        }

        return (status, null);
    }

    /// <summary>ApiError: an object with one member, error, holding a non-empty message and type and nothing else.</summary>
    private static void CheckError(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.EnumerateObject().Count() != 1 || root.GetProperty("error") is not { ValueKind: JsonValueKind.Object } error
            || error.EnumerateObject().Count() != 2
            || string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()) || string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()))
        {
            throw new FormatException("not {\"error\":{\"message\",\"type\"}}");
        }
    }

    private static void CheckDecision(string body, bool admitted)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("admitted").GetBoolean() != admitted)
        {
            throw new FormatException($"admitted is not {admitted}");
        }

        _ = admitted ? root.GetProperty("lease").GetProperty("leaseId").GetString() : root.GetProperty("reason").GetString();
        _ = root.GetProperty("rateLimits").ValueKind;
    }
}

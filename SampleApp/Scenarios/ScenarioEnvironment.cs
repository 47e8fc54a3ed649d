using System.Globalization;
using System.Net.Http.Headers;
using System.ClientModel;
using Microsoft.Extensions.AI;
using Switchyard.SampleApp.RouterClient;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// What the scenarios drive: the Router through the OpenAI client, and the admin APIs of the Router,
/// the BedrockEmulator and the QuotaService to reset state and inject faults.
/// Each HttpClient's base address is that service's (service discovery names in the app, real addresses in tests).
/// </summary>
public sealed class ScenarioEnvironment(
    RouterChatClients router, HttpClient routerAdmin, HttpClient emulatorAdmin, HttpClient quotaAdmin, string adminKey, TimeProvider time)
{
    /// <summary>Sent with every scenario request; short, so the emulator answers quickly and quotas reserve little.</summary>
    private const int MaxOutputTokens = 64;

    public TimeProvider Time => time;

    /// <summary>
    /// Clears what a scenario depends on: emulator faults, quotas and invocation log; the Router's capacity
    /// counters and breakers; every tenant's rate-limit window. Scenarios can then run in any order.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync("BedrockEmulator reset", emulatorAdmin, new HttpRequestMessage(HttpMethod.Post, "admin/reset"), cancellationToken);
        await EnsureAsync("Router reset", routerAdmin, Authorized(HttpMethod.Post, "admin/reset"), cancellationToken);
        await EnsureAsync("QuotaService reset", quotaAdmin, Authorized(HttpMethod.Post, "admin/reset-usage"), cancellationToken);
    }

    public async Task InjectFaultAsync(EmulatorFault fault, CancellationToken cancellationToken) =>
        await EnsureAsync($"{fault.Kind} fault", emulatorAdmin,
            new HttpRequestMessage(HttpMethod.Post, "admin/faults") { Content = JsonContent.Create(fault, ScenarioJsonContext.Default.EmulatorFault) },
            cancellationToken);

    public Task ClearFaultsAsync(CancellationToken cancellationToken) =>
        EnsureAsync("clearing faults", emulatorAdmin, new HttpRequestMessage(HttpMethod.Delete, "admin/faults"), cancellationToken);

    /// <summary>The emulator's invocation log since <paramref name="since"/>, oldest first.</summary>
    public async Task<IReadOnlyList<EmulatorInvocation>> InvocationsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var query = $"admin/invocations?since={Uri.EscapeDataString(since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&limit=100000";
        return await emulatorAdmin.GetFromJsonAsync(query, ScenarioJsonContext.Default.ListEmulatorInvocation, cancellationToken) ?? [];
    }

    /// <summary>Sends every planned request at once and records each outcome, in plan order.</summary>
    public Task<RequestResult[]> SendConcurrentlyAsync(IReadOnlyList<PlannedRequest> plan, CancellationToken cancellationToken) =>
        Task.WhenAll(plan.Select((request, index) => SendAsync(index + 1, request, cancellationToken)));

    /// <summary>A burst of identical requests to one model group with the demo key, all at once, as the reference demos send.</summary>
    public Task<RequestResult[]> BurstAsync(string modelGroup, int count, CancellationToken cancellationToken) =>
        SendConcurrentlyAsync([.. Enumerable.Repeat(new PlannedRequest(modelGroup, ReferenceNames.DemoKey), count)], cancellationToken);

    /// <summary>One non-streaming chat completion through the Router; failures are recorded, never thrown.</summary>
    public async Task<RequestResult> SendAsync(int index, PlannedRequest request, CancellationToken cancellationToken)
    {
        var client = router.ChatClient(request.ModelGroup, request.ApiKey);
        var capture = RouteCapture.Begin();
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        try
        {
            var response = await client.GetResponseAsync(
                [new ChatMessage(ChatRole.User, $"Scenario request {index}: in one sentence, why do gateways fail over?")],
                new ChatOptions { MaxOutputTokens = MaxOutputTokens }, cancellationToken);
            return new RequestResult(index, request, startedAt, time.GetElapsedTime(started), capture.StatusCode ?? 200, capture.ServedBy, response.ModelId);
        }
        catch (ClientResultException e)
        {
            return new RequestResult(index, request, startedAt, time.GetElapsedTime(started), e.Status, null, null, e.Message);
        }
        catch (HttpRequestException e)
        {
            return new RequestResult(index, request, startedAt, time.GetElapsedTime(started), 0, null, null, e.Message);
        }
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        return request;
    }

    private static async Task EnsureAsync(string what, HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ScenarioException(
                    $"{what} failed: {(int)response.StatusCode} {response.ReasonPhrase} from {request.RequestUri}. " +
                    await response.Content.ReadAsStringAsync(cancellationToken));
            }
        }
    }
}

using Switchyard.Tests.Fuzz;
using Xunit.Abstractions;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// Image blocks and tool configurations, generated and mutated (<see cref="ConverseImageToolGen"/>), never make
/// the emulator's Converse answer a 5xx: a bad one is Bedrock's 400, a good one an answer (a forced tool's too).
/// </summary>
[Collection(EmulatorCollection.Name)]
[Trait("Category", "Fuzz")]
public sealed class ConverseImageToolFuzzTests(EmulatorHost host, ITestOutputHelper output) : EmulatorTest(host)
{
    [Fact]
    public async Task Generated_image_and_tool_requests_never_get_a_5xx()
    {
        using var client = Host.SignedClient("us-east-1");

        var report = await FuzzRunner.RunAsync(15, 20_261_203, new ConverseImageToolGen(), async (fuzz, cancellation) =>
        {
            using var request = fuzz.ToRequest("model/anthropic.claude-sonnet-4-6/converse");
            using var response = await client.SendAsync(request, cancellation);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellation);
            return (status, status >= 500 ? $"answered {status}: {body}" : null);
        });

        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.FailureReport);
        Assert.All(new[] { 200, 400 }, status => Assert.True(report.Statuses.ContainsKey(status), $"no case answered {status}"));
    }
}

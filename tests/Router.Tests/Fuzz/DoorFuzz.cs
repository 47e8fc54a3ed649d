using System.Text;
using System.Text.Json;
using CsCheck;
using Switchyard.Tests.Fuzz;
using Xunit.Abstractions;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// The run every door's fuzz suite makes: generated and mutated requests sent to one path of the Router, each
/// answer judged by the door's own check of its shape; no case may fail, and every status the door must reach
/// is reached (so the generator exercises every layer). The door's check returns the problem with an answer,
/// or null; a body it cannot parse (it throws) is out of shape.
/// </summary>
internal static class DoorFuzz
{
    public static async Task RunAsync(
        RouterHost host, ITestOutputHelper output, uint stream, ulong seed, Gen<FuzzCase> generator, string path,
        Func<HttpResponseMessage, byte[], string?> check, params int[] statuses)
    {
        // In memory (TestServer), not over the host's loopback socket: a request refused before its body is
        // read (401, 413) may have its connection closed while a socket client is still sending, which
        // would be the harness failing, not the Router.
        await using var app = host.WithWebHostBuilder(_ => { });
        using var client = app.Server.CreateClient();

        var report = await FuzzRunner.RunAsync(stream, seed, generator, async (fuzz, cancellation) =>
        {
            using var request = fuzz.ToRequest(path);
            using var response = await client.SendAsync(request, cancellation);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellation);
            try
            {
                return (status, check(response, body));
            }
            catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException
                or ArgumentException or Amazon.Runtime.EventStreams.EventStreamChecksumFailureException)
            {
                return (status, $"answered {status} with a body out of shape ({e.Message}): {Encoding.UTF8.GetString(body)}");
            }
        });

        output.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.FailureReport);
        Assert.All(statuses, status => Assert.True(report.Statuses.ContainsKey(status), $"no case answered {status}"));
    }
}

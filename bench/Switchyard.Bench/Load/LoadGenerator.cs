using System.Buffers.Text;
using System.Diagnostics;
using System.Net;

namespace Switchyard.Bench.Load;

/// <summary>
/// The suite's HTTP load generator: one process, async I/O, one connection per worker
/// (MaxConnectionsPerServer = concurrency), pre-serialised bodies. Connection pools are kept per target
/// and concurrency for the generator's lifetime, so alternating runs reuse warm connections.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private const string AttemptsHeader = "x-switchyard-attempts";
    private const string AdmissionHeader = "x-switchyard-admission";
    private readonly Dictionary<(string, int), HttpClient> clients = [];

    public async Task<LoadRun> RunAsync(ChatTarget target, LoadPlan plan, CancellationToken cancellationToken = default)
    {
        var client = ClientFor(target.Name, plan.Concurrency);
        var samples = new RequestSample[plan.MaxRequests];
        var firstFailure = new FailureNote();
        var next = -1;
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync(int worker)
        {
            if (plan.RampUp > TimeSpan.Zero)
            {
                await Task.Delay(plan.RampUp * worker / plan.Concurrency, cancellationToken);
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= plan.MaxRequests || clock.Elapsed >= plan.Duration)
                {
                    return;
                }

                if (plan.RatePerSecond is { } rate)
                {
                    var wait = TimeSpan.FromSeconds(index / rate) - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }

                    if (clock.Elapsed >= plan.Duration)
                    {
                        return;
                    }
                }

                samples[index] = await SendAsync(client, target, plan.RequestTimeout, clock, firstFailure, cancellationToken);
            }
        }

        var workers = Enumerable.Range(0, plan.Concurrency).Select(WorkerAsync).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        return new LoadRun(target.Name, plan, samples.Where(s => s.Completed).ToArray(), clock.Elapsed) { FirstFailure = firstFailure.Text };
    }

    private static async Task<RequestSample> SendAsync(HttpClient client, ChatTarget target, TimeSpan timeout, Stopwatch clock, FailureNote failure, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var startMs = clock.Elapsed.TotalMilliseconds;
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var request = target.CreateRequest();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            var attempts = response.Headers.TryGetValues(AttemptsHeader, out var values) && int.TryParse(values.FirstOrDefault(), out var a) ? a : 0;
            var local = response.Headers.Contains(AdmissionHeader);
            if (target.Stream && response.StatusCode == HttpStatusCode.OK)
            {
                var (firstToken, complete, problem, events) = await ReadStreamAsync(response, start, deadline.Token);
                if (!complete)
                {
                    failure.Keep("200, stream incomplete: " + (problem ?? "ended without [DONE]"));
                }

                return new RequestSample(true, startMs, Elapsed(start), firstToken, status, complete, attempts, 0, local, events);
            }

            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            var succeeded = response.StatusCode == HttpStatusCode.OK;
            if (!succeeded)
            {
                failure.Keep($"{status}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}");
            }

            return new RequestSample(true, startMs, Elapsed(start), double.NaN, status, succeeded, attempts, succeeded ? TotalTokens(body) : 0, local);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            failure.Keep($"{e.GetType().Name}: {e.Message}");
            return new RequestSample(true, startMs, Elapsed(start), double.NaN, 0, false, 0, 0);
        }
    }

    /// <summary>Reads server-sent events to the end; complete means "[DONE]" arrived and no error event did.</summary>
    private static async Task<(double FirstTokenMs, bool Complete, string? Problem, int Events)> ReadStreamAsync(HttpResponseMessage response, long start, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var firstToken = double.NaN;
        var done = false;
        string? error = null;
        var events = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (line.StartsWith("event: error", StringComparison.Ordinal))
                {
                    error ??= line;
                }

                continue;
            }

            events++;

            if (line.EndsWith("[DONE]", StringComparison.Ordinal))
            {
                done = true;
            }
            else if (line.Contains("\"error\"", StringComparison.Ordinal))
            {
                error ??= line.Length > 300 ? line[..300] : line;
            }
            else if (double.IsNaN(firstToken) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
                firstToken = Elapsed(start);
            }
        }

        return (firstToken, done && error is null, error, events);
    }

    /// <summary>usage.total_tokens of a chat completion, found without a full parse.</summary>
    private static int TotalTokens(byte[] body)
    {
        var marker = "\"total_tokens\":"u8;
        var at = body.AsSpan().IndexOf(marker);
        return at >= 0 && Utf8Parser.TryParse(body.AsSpan(at + marker.Length).TrimStart((byte)' '), out int tokens, out _) ? tokens : 0;
    }

    /// <summary>The first failure of a run, kept for the report so a failed request is never just a number.</summary>
    private sealed class FailureNote
    {
        private string? text;

        public string? Text => text;

        public void Keep(string note) => Interlocked.CompareExchange(ref text, note, null);
    }

    private static double Elapsed(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    private HttpClient ClientFor(string target, int concurrency)
    {
        lock (clients)
        {
            if (!clients.TryGetValue((target, concurrency), out var client))
            {
                client = new HttpClient(new SocketsHttpHandler
                {
                    MaxConnectionsPerServer = concurrency,
                    UseProxy = false,
                    UseCookies = false,
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                })
                {
                    Timeout = Timeout.InfiniteTimeSpan,
                };
                clients[(target, concurrency)] = client;
            }

            return client;
        }
    }

    /// <summary>
    /// Closes the connections kept for <paramref name="target"/>: after a step that opened thousands, so that
    /// the suite's own descriptors do not run out over the next steps.
    /// </summary>
    public void Forget(string target)
    {
        lock (clients)
        {
            foreach (var key in clients.Keys.Where(key => key.Item1 == target).ToList())
            {
                clients.Remove(key, out var client);
                client!.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace Switchyard.Tests.Fuzz;

/// <summary>
/// Runs a fuzz suite: case i is generated from PCG(stream, seed + i), so the same cases come on every run and
/// machine and a failure names a case that reproduces; the number of cases is <c>SWITCHYARD_FUZZ_CASES</c>
/// (default 20,000; bench/fuzz runs 1,000,000). The check sends a case and answers its status and, when the
/// answer is wrong, what is wrong with it.
/// </summary>
public static class FuzzRunner
{
    public const string CasesVariable = "SWITCHYARD_FUZZ_CASES";

    public const int DefaultCases = 20_000;

    /// <summary>Enough requests in flight to keep both cores busy with the service rather than waiting on the store.</summary>
    private const int Concurrency = 8;

    /// <summary>Stop after this many failing cases: they are reported in full, and more rarely tell more.</summary>
    private const int MaxReportedFailures = 10;

    public static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable(CasesVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var configured) && configured > 0
            ? configured
            : DefaultCases;

    public static async Task<FuzzReport> RunAsync<T>(
        uint stream, ulong seed, Gen<T> generator, Func<T, CancellationToken, Task<(int Status, string? Problem)>> check)
    {
        var cases = Cases;
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var sent = 0;
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, cancellation) =>
        {
            if (failures.Count >= MaxReportedFailures)
            {
                return;
            }

            var fuzz = generator.Generate(new PCG(stream, seed + (ulong)i), null, out _);
            var (status, problem) = await check(fuzz, cancellation);
            Interlocked.Increment(ref sent);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (problem is not null)
            {
                failures.Enqueue($"case {i}: {problem}\n    request: {fuzz}");
            }
        });

        return new FuzzReport(cases, sent, clock.Elapsed, statuses, [.. failures], $"seed {seed}, stream {stream}");
    }
}

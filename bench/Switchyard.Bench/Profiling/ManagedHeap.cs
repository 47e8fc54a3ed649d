using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Switchyard.Bench.Profiling;

/// <summary>
/// The live managed heap of a .NET process, as dotnet-gcdump measures it: an EventPipe session with the
/// GCHeapCollect keyword induces a full collection, whose GC/HeapStats event gives the size of every
/// generation afterwards. Set against the process's RSS, it tells managed objects from everything else.
/// </summary>
public static class ManagedHeap
{
    public static async Task<long?> MeasureAsync(int pid, TimeSpan timeout)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(pid);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false, circularBufferMB: 64, CancellationToken.None);
        using var source = new EventPipeEventSource(session.EventStream);
        long heap = -1;
        source.Clr.GCHeapStats += stats => Interlocked.CompareExchange(ref heap, stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4, -1);
        var processing = Task.Run(source.Process);
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref heap) < 0 && DateTime.UtcNow < deadline && !processing.IsCompleted)
        {
            await Task.Delay(50);
        }

        await session.StopAsync(CancellationToken.None);
        await processing;
        return heap < 0 ? null : heap;
    }
}

using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Switchyard.Bench.Profiling;

/// <summary>
/// An in-process profile of a .NET server over EventPipe (no dotnet-trace needed): the runtime's
/// sample profiler (a stack of every thread each millisecond; only samples in managed code are kept,
/// waits are not CPU), garbage collections, allocation ticks (one per ~100 KB allocated) and exceptions.
/// </summary>
public sealed record RouterProfile(
    int ManagedSamples, IReadOnlyList<(string Component, int Samples)> Inclusive, IReadOnlyList<(string Component, int Samples)> ByLeafComponent,
    IReadOnlyList<(string Method, int Samples)> TopMethods, IReadOnlyList<(string Method, int Samples)> TopCallSites,
    IReadOnlyList<(string Method, int Samples)> LockCallers, IReadOnlyList<(string Type, int Count)> Exceptions, double AllocatedBytes, double GcCount,
    IReadOnlyList<(string Type, double Bytes)> AllocatedByType, IReadOnlyList<(string Method, double Bytes)> AllocationSites)
{
    /// <summary>Components counted inclusively: a sample counts when any frame of its stack belongs to one.</summary>
    private static readonly (string Component, string[] Prefixes)[] Components =
    [
        ("Tenant admission (Switchyard.Admission, Router.Tenancy)", ["Switchyard.Admission.", "Switchyard.Router.Tenancy."]),
        ("Redis client (StackExchange.Redis)", ["StackExchange.Redis."]),
        ("Capacity checks (Router.Routing.CapacityLimiter)", ["Switchyard.Router.Routing.CapacityLimiter"]),
        ("Provider SDK chain (Microsoft.Extensions.AI, OpenAI, System.ClientModel)", ["Microsoft.Extensions.AI.", "OpenAI.", "System.ClientModel."]),
        ("Bedrock client (AWSSDK)", ["Amazon.", "Switchyard.Router.Providers.Bedrock."]),
        ("OpenTelemetry SDK and exporters", ["OpenTelemetry."]),
        ("Activity and metrics (System.Diagnostics)", ["System.Diagnostics.Activity", "System.Diagnostics.Metrics."]),
        ("JSON (System.Text.Json)", ["System.Text.Json."]),
        ("Polly (breakers, retries)", ["Polly."]),
        ("Logging (Microsoft.Extensions.Logging)", ["Microsoft.Extensions.Logging."]),
        ("Outgoing HTTP (System.Net.Http)", ["System.Net.Http."]),
        ("Kestrel and ASP.NET Core", ["Microsoft.AspNetCore."]),
    ];

    /// <summary>Leaf attribution: each sample goes to the first frame (from the top) in one of these namespaces.</summary>
    private static readonly (string Component, string Prefix)[] LeafComponents =
    [
        ("System.Text.Json", "System.Text.Json."), ("StackExchange.Redis", "StackExchange.Redis."), ("OpenTelemetry", "OpenTelemetry."),
        ("Microsoft.Extensions.AI", "Microsoft.Extensions.AI."), ("OpenAI SDK", "OpenAI."), ("System.ClientModel", "System.ClientModel."),
        ("AWSSDK", "Amazon."), ("Polly", "Polly."), ("Microsoft.Extensions.Logging", "Microsoft.Extensions.Logging."),
        ("Switchyard.Admission", "Switchyard.Admission."), ("Switchyard.Router", "Switchyard.Router."), ("Switchyard.ServiceDefaults", "Microsoft.Extensions.Hosting."),
        ("Kestrel", "Microsoft.AspNetCore.Server.Kestrel."), ("ASP.NET Core", "Microsoft.AspNetCore."), ("System.Net.Http", "System.Net.Http."),
        ("System.Net.Sockets", "System.Net.Sockets."), ("System.IO.Pipelines", "System.IO.Pipelines."), ("System.Diagnostics", "System.Diagnostics."),
        ("System.Threading", "System.Threading."), ("System.Collections", "System.Collections."), ("System (other)", "System."),
    ];

    public static async Task<RouterProfile> CaptureAsync(int pid, string traceFile, Func<Task> load)
    {
        var providers = new List<EventPipeProvider>
        {
            new("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Exception)),
        };
        var client = new DiagnosticsClient(pid);
        using (var session = await client.StartEventPipeSessionAsync(providers, requestRundown: true, circularBufferMB: 256, CancellationToken.None))
        {
            await using var file = File.Create(traceFile);
            var copy = session.EventStream.CopyToAsync(file);
            await load();
            await session.StopAsync(CancellationToken.None);
            await copy;
        }

        return Analyse(traceFile);
    }

    private static RouterProfile Analyse(string traceFile)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(traceFile);
        using var log = new TraceLog(etlx);
        var inclusive = new Dictionary<string, int>();
        var leaf = new Dictionary<string, int>();
        var methods = new Dictionary<string, int>();
        var callSites = new Dictionary<string, int>();
        var lockCallers = new Dictionary<string, int>();
        var exceptions = new Dictionary<string, int>();
        var allocatedByType = new Dictionary<string, double>();
        var allocationSites = new Dictionary<string, double>();
        int managed = 0;
        double allocated = 0, gcs = 0;
        foreach (var data in log.Events)
        {
            if (data.ProviderName == "Microsoft-DotNETCore-SampleProfiler")
            {
                // Managed: the thread was running managed code; External: outside it (waits, syscalls, the GC).
                if (data.PayloadByName("Type")?.ToString() != "Managed" || data.CallStack() is not { } stack)
                {
                    continue;
                }

                managed++;
                var frames = new List<string>();
                for (var frame = stack; frame is not null; frame = frame.Caller)
                {
                    frames.Add(frame.CodeAddress.FullMethodName ?? "");
                }

                var top = frames.FirstOrDefault(f => f.Length > 0) ?? "?";
                methods[top] = methods.GetValueOrDefault(top) + 1;
                // The innermost frame outside the BCL says whose work a lock, a spin or a socket call was.
                var site = frames.FirstOrDefault(f => f.Length > 0 && !f.StartsWith("System.", StringComparison.Ordinal) && !f.StartsWith("Interop", StringComparison.Ordinal)) ?? "(BCL only)";
                callSites[site] = callSites.GetValueOrDefault(site) + 1;
                if (top.StartsWith("System.Threading.Monitor.Enter", StringComparison.Ordinal))
                {
                    // Whose lock a contended Monitor.Enter waited for: the two frames that took it.
                    var takers = string.Join(" <- ", frames.Where(f => f.Length > 0).Skip(1).Take(2).Select(f => f.IndexOf('(') is var open and > 0 ? f[..open] : f));
                    lockCallers[takers] = lockCallers.GetValueOrDefault(takers) + 1;
                }

                var owner = frames.Select(f => LeafComponents.FirstOrDefault(c => f.StartsWith(c.Prefix, StringComparison.Ordinal)).Component).FirstOrDefault(c => c is not null) ?? "runtime / unresolved";
                leaf[owner] = leaf.GetValueOrDefault(owner) + 1;
                foreach (var (component, prefixes) in Components)
                {
                    if (frames.Any(f => prefixes.Any(p => f.StartsWith(p, StringComparison.Ordinal))))
                    {
                        inclusive[component] = inclusive.GetValueOrDefault(component) + 1;
                    }
                }
            }
            else if (data.EventName == "Exception/Start")
            {
                var type = data.PayloadByName("ExceptionType") as string ?? "?";
                exceptions[type] = exceptions.GetValueOrDefault(type) + 1;
            }
            else if (data.EventName == "GC/Start")
            {
                gcs++;
            }
            else if (data.EventName == "GC/AllocationTick" && data.PayloadByName("AllocationAmount64") is { } amount)
            {
                var bytes = Convert.ToDouble(amount, System.Globalization.CultureInfo.InvariantCulture);
                allocated += bytes;
                var type = data.PayloadByName("TypeName") as string ?? "?";
                allocatedByType[type] = allocatedByType.GetValueOrDefault(type) + bytes;
                // Who allocated: the innermost frame outside the BCL, as for the samples' call sites.
                var site = "(no stack)";
                for (var frame = data.CallStack(); frame is not null; frame = frame.Caller)
                {
                    var name = frame.CodeAddress.FullMethodName ?? "";
                    if (name.Length > 0 && !name.StartsWith("System.", StringComparison.Ordinal) && !name.StartsWith("Interop", StringComparison.Ordinal))
                    {
                        site = name;
                        break;
                    }
                }

                allocationSites[site] = allocationSites.GetValueOrDefault(site) + bytes;
            }
        }

        return new RouterProfile(managed,
            [.. inclusive.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value))],
            [.. leaf.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value))],
            [.. methods.OrderByDescending(p => p.Value).Take(12).Select(p => (p.Key, p.Value))],
            [.. callSites.OrderByDescending(p => p.Value).Take(12).Select(p => (p.Key, p.Value))],
            [.. lockCallers.OrderByDescending(p => p.Value).Take(8).Select(p => (p.Key, p.Value))],
            [.. exceptions.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value))], allocated, gcs,
            [.. allocatedByType.OrderByDescending(p => p.Value).Take(15).Select(p => (p.Key, p.Value))],
            [.. allocationSites.OrderByDescending(p => p.Value).Take(15).Select(p => (p.Key, p.Value))]);
    }
}

namespace Switchyard.Bench.Hosting;

/// <summary>CPU time of named processes (the suite's own included) between two readings.</summary>
public sealed class CpuMeter(IReadOnlyDictionary<string, int> processes)
{
    public const string Client = "client";

    public static CpuMeter For(params ServerProcess[] servers) =>
        new(servers.Select(s => KeyValuePair.Create(s.Name, s.Pid)).Append(KeyValuePair.Create(Client, Environment.ProcessId)).ToDictionary());

    public IReadOnlyDictionary<string, TimeSpan> Read() => processes.ToDictionary(p => p.Key, p => ProcessSample.Read(p.Value).CpuTime);

    public static IReadOnlyDictionary<string, TimeSpan> Delta(IReadOnlyDictionary<string, TimeSpan> before, IReadOnlyDictionary<string, TimeSpan> after) =>
        after.ToDictionary(p => p.Key, p => p.Value - before[p.Key]);
}

using Switchyard.Bench.Hosting;
using Switchyard.Bench.Load;

namespace Switchyard.Bench;

/// <summary>What every scenario gets: the options, the shared processes, the load generator and a progress log.</summary>
public sealed class BenchContext(BenchOptions options, Stack stack, LoadGenerator load)
{
    public BenchOptions Options { get; } = options;

    public Stack Stack { get; } = stack;

    public LoadGenerator Load { get; } = load;

    public string PlotWorkDirectory => Path.Combine(Options.ResultsDirectory, "plots");

    /// <summary>docs/images for a full run; smoke and partial runs never overwrite the published plots.</summary>
    public string ImagesDirectory => Options.WritesDoc ? Options.ImagesDirectory : Path.Combine(Options.ResultsDirectory, "images");

    public static void Log(string message) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}

using System.Diagnostics;

namespace Switchyard.Bench.Hosting;

/// <summary>
/// Every process the suite starts, so that none outlives it: they are killed (whole trees) on dispose,
/// on Ctrl+C and on exit, and their ids are kept in a file that bench/run kills from if the suite itself dies.
/// </summary>
public static class ProcessRegistry
{
    private static readonly List<Process> Running = [];
    private static string? pidFile;

    public static void Install(string pidFilePath)
    {
        pidFile = pidFilePath;
        File.WriteAllText(pidFilePath, "");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        Console.CancelKeyPress += (_, e) =>
        {
            StopAll();
            e.Cancel = false;
        };
    }

    public static void Track(Process process)
    {
        lock (Running)
        {
            Running.Add(process);
            WritePidFile();
        }
    }

    public static void Stop(Process process)
    {
        Kill(process);
        lock (Running)
        {
            Running.Remove(process);
            WritePidFile();
        }
    }

    public static void StopAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                Kill(process);
            }

            Running.Clear();
            WritePidFile();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private static void WritePidFile()
    {
        if (pidFile is not null)
        {
            File.WriteAllLines(pidFile, Running.Select(p => p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}

namespace Switchyard.Bench.Hosting;

/// <summary>CPU time, memory and threads of one process at one instant, read from /proc.</summary>
public readonly record struct ProcessSample(TimeSpan CpuTime, long RssBytes, long PeakRssBytes, int Threads)
{
    public static ProcessSample Read(int pid)
    {
        var cpu = ReadCpuTime(pid);
        long rss = 0, peak = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = ParseKilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = ParseKilobytes(line);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.AsSpan(8).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new ProcessSample(cpu, rss, peak, threads);
    }

    /// <summary>
    /// Resets VmHWM to the current RSS (Linux clear_refs "5"), so a later peak belongs to the load in between.
    /// Returns false where the kernel refuses; callers then rely on sampled RSS.
    /// </summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// CPU time of the .NET runtime's tiered-compilation thread (".NET Tiered Com"), which recompiles hot
    /// methods with full optimisation in the background; null for a process without one (Node.js).
    /// </summary>
    public static TimeSpan? TieredCompilationCpu(int pid)
    {
        TimeSpan? total = null;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    total = (total ?? TimeSpan.Zero) + ReadCpuTime(task);
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return total;
    }

    /// <summary>utime + stime of /proc/PID/stat (fields 14 and 15), in USER_HZ ticks of 10 ms.</summary>
    private static TimeSpan ReadCpuTime(int pid) => ReadCpuTime($"/proc/{pid}");

    private static TimeSpan ReadCpuTime(string procDirectory)
    {
        var stat = File.ReadAllText(Path.Combine(procDirectory, "stat"));
        // The command name (field 2) may hold spaces; fields after it start past the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 1000.0 / UserHz);
    }

    private const int UserHz = 100;

    private static long ParseKilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
}

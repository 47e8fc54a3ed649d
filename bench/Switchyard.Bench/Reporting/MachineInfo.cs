using System.Diagnostics;

namespace Switchyard.Bench.Reporting;

/// <summary>The machine and software a run measured on, read from /proc and the tools themselves.</summary>
public sealed record MachineInfo(int Processors, string Memory, string Cpu, string OperatingSystem, string Kernel, string DotNet, string Node, string Store)
{
    public static MachineInfo Read(string storeKind)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memoryKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        var memory = $"{long.Parse(memoryKb.TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1048576.0:0.0} GiB (MemTotal {memoryKb})";
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : "Linux";
        return new MachineInfo(Environment.ProcessorCount, memory, cpu, os, File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            Environment.Version.ToString(), Run("node", "--version"), storeKind + " " + (storeKind.StartsWith("redis", StringComparison.Ordinal) ? Run("redis-server", "--version") : ""));
    }

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() => string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Run(string file, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, argument) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}

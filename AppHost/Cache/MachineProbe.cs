using System.Diagnostics;

namespace Switchyard.AppHost.Cache;

/// <summary>Reads the facts <see cref="CacheHostingSelector"/> needs from this machine.</summary>
public static class MachineProbe
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True when the configured container runtime (ASPIRE_CONTAINER_RUNTIME, else docker) answers
    /// <c>info</c> in time. A CLI without a daemon fails fast, which is the case this guards.
    /// </summary>
    public static bool ContainerRuntimeHealthy()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        if (FindOnPath(runtime) is not { } path)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);

    /// <summary>A TCP port that is free on loopback right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

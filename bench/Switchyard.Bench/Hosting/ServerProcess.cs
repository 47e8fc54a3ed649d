using System.Diagnostics;

namespace Switchyard.Bench.Hosting;

/// <summary>
/// A server the suite started: its output goes to a log file, it is registered for cleanup at once, and
/// it is killed with its whole process tree when disposed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private ServerProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        this.process = process;
        this.log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public ProcessSample Sample() => ProcessSample.Read(Pid);

    public static ServerProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, name + ".log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        ProcessRegistry.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(name, process, log, logPath);
    }

    /// <summary>Waits until <paramref name="probe"/> answers 2xx, failing early if the process dies.</summary>
    public async Task WaitUntilReadyAsync(Uri probe, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready; see {LogPath}");
            }

            try
            {
                using var response = await client.GetAsync(probe);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not answer {probe} within {timeout.TotalSeconds:0} s; see {LogPath}");
    }

    /// <summary>Waits until something accepts TCP connections on the loopback port.</summary>
    public async Task WaitUntilListeningAsync(int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready; see {LogPath}");
            }

            try
            {
                using var socket = new System.Net.Sockets.TcpClient();
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{Name} did not listen on {port} within {timeout.TotalSeconds:0} s; see {LogPath}");
    }

    public async ValueTask DisposeAsync()
    {
        ProcessRegistry.Stop(process);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        process.Dispose();
        await log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            // The writer may already be closed while the last lines of a killed process drain.
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace Switchyard.Tests;

/// <summary>
/// Runs a script of tests/interop with node, so real third-party clients (openai, the AWS SDK for
/// JavaScript) talk to our servers. The script prints one JSON document on stdout.
/// </summary>
public static class NodeScript
{
    public static string InteropDirectory { get; } = FindInteropDirectory();

    public static async Task<JsonElement> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        if (!Directory.Exists(Path.Combine(InteropDirectory, "node_modules")))
        {
            throw new InvalidOperationException($"The interop clients are not installed: run `npm ci --prefix tests/interop` (./test.sh does) in {InteropDirectory}/..");
        }

        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in time. stderr: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}. stderr: {await stderr} stdout: {await stdout}");
        }

        return JsonDocument.Parse(await stdout).RootElement.Clone();
    }

    private static string FindInteropDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/interop/package.json was not found above " + AppContext.BaseDirectory);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Switchyard.Router.Tests;

/// <summary>
/// The real BedrockEmulator in its own process on free loopback ports (latency model off), for end-to-end
/// tests of the Router's Bedrock provider. A process, not an in-memory host: its Program would clash
/// with the Router's in this assembly.
/// </summary>
public sealed class EmulatorProcess : IAsyncLifetime
{
    public const string AccessKeyId = "AKIASWITCHYARDPRIMARY";
    public const string SecretAccessKey = "switchyard-emulator-primary-secret";

    private static readonly string[] EndpointNames = ["admin", "us-east-1", "us-west-2"];

    private readonly Dictionary<string, Uri> _endpoints = EndpointNames.ToDictionary(name => name, _ => new Uri($"http://127.0.0.1:{FreePort()}/"));
    private readonly System.Text.StringBuilder _errors = new();
    private Process? _process;

    public HttpClient Admin { get; private set; } = null!;

    public Uri Endpoint(string name) => _endpoints[name];

    public async Task InitializeAsync()
    {
        var assembly = EmulatorAssembly();
        // Its own directory as the content root, for its appsettings.json (accounts, catalog).
        var start = new ProcessStartInfo("dotnet", [assembly]) { WorkingDirectory = Path.GetDirectoryName(assembly), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, uri) in _endpoints)
        {
            start.Environment[$"Kestrel__Endpoints__{name}__Url"] = uri.ToString().TrimEnd('/');
        }

        // Only the endpoints above: the shipped settings' fixed ports may be taken.
        foreach (var unused in new[] { "us-east-2", "eu-west-1", "openai" })
        {
            start.Environment[$"Kestrel__Endpoints__{unused}__Url"] = $"http://127.0.0.1:{FreePort()}";
        }

        start.Environment["Emulator__Latency__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(line.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        Admin = new HttpClient { BaseAddress = Endpoint("admin") };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                (await Admin.GetAsync("/admin/faults")).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (_process.HasExited)
                {
                    lock (_errors)
                    {
                        throw new InvalidOperationException($"The emulator exited with {_process.ExitCode}: {_errors}");
                    }
                }

                await Task.Delay(200);
            }
        }
    }

    /// <summary>No faults, empty quota windows.</summary>
    public async Task ResetAsync() => (await Admin.PostAsync("/admin/reset", null)).EnsureSuccessStatusCode();

    public async Task AddFaultAsync(object fault)
    {
        using var response = await Admin.PostAsJsonAsync("/admin/faults", fault);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public Task DisposeAsync()
    {
        Admin.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>BedrockEmulator.dll of the same configuration and framework as this test assembly (bin/&lt;configuration&gt;/&lt;framework&gt;).</summary>
    private static string EmulatorAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "BedrockEmulator", "bin", configuration, framework, "BedrockEmulator.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"BedrockEmulator.dll ({configuration}/{framework}) was not found above {output}; Router.Tests builds it.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

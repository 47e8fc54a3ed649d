namespace Switchyard.Bench.Hosting;

/// <summary>
/// The processes every scenario shares, started directly from Release builds on free loopback ports:
/// a Redis-compatible store, the Bedrock emulator, the QuotaService, the stock Portkey gateway and an
/// OTLP sink. Routers are started per scenario (<see cref="StartRouterAsync"/>), with the routing table
/// of <see cref="BenchRouting"/>.
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    public const string AdminKey = "switchyard-bench-admin";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly BenchOptions options;
    private readonly List<ServerProcess> processes = [];

    private Stack(BenchOptions options, OtlpSink otlp)
    {
        this.options = options;
        Otlp = otlp;
    }

    public OtlpSink Otlp { get; }

    public required ServerProcess Store { get; init; }

    public required string StoreKind { get; init; }

    public required int StorePort { get; init; }

    public required ServerProcess Emulator { get; init; }

    public required EmulatorAdmin EmulatorAdmin { get; init; }

    public required ServerProcess QuotaService { get; init; }

    public required QuotaAdmin QuotaAdmin { get; init; }

    public required ServerProcess Portkey { get; init; }

    public required Uri PortkeyBase { get; init; }

    private string LogDirectory => Path.Combine(options.ResultsDirectory, "logs");

    public static async Task<Stack> StartAsync(BenchOptions options)
    {
        var logs = Path.Combine(options.ResultsDirectory, "logs");
        var started = new List<ServerProcess>();
        try
        {
            var (store, storeKind, storePort) = await StartStoreAsync(options, logs);
            started.Add(store);

            var emulatorPorts = EmulatorAdmin.Endpoints.ToDictionary(name => name, _ => FreePorts.Next());
            var emulatorEnvironment = new Dictionary<string, string>(QuietAspNet)
            {
                ["Emulator__Latency__Enabled"] = "false",
                ["Emulator__Quotas__Enabled"] = "false",
            };
            foreach (var (name, port) in emulatorPorts)
            {
                emulatorEnvironment[$"Kestrel__Endpoints__{name}__Url"] = $"http://127.0.0.1:{port}";
            }

            var emulator = StartDotnet(options, "BedrockEmulator", "emulator", emulatorEnvironment, logs);
            started.Add(emulator);
            var emulatorAdmin = new EmulatorAdmin(emulatorPorts);
            await emulator.WaitUntilReadyAsync(new Uri(emulatorAdmin.AdminBase, "/health"), StartTimeout);

            var quotaPort = FreePorts.Next();
            var quotaService = StartDotnet(options, "QuotaService", "quota-service", new Dictionary<string, string>(QuietAspNet)
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{quotaPort}",
                ["ConnectionStrings__cache"] = $"127.0.0.1:{storePort}",
                ["Quotas__AdminKey"] = AdminKey,
            }, logs);
            started.Add(quotaService);
            var quotaBase = new Uri($"http://127.0.0.1:{quotaPort}");
            await quotaService.WaitUntilReadyAsync(new Uri(quotaBase, "/health"), StartTimeout);

            var portkeyPort = FreePorts.Next();
            var portkey = ServerProcess.Start("portkey", "node", ["loopback.mjs", $"--port={portkeyPort}", "--headless"],
                new Dictionary<string, string> { ["NODE_ENV"] = "production" }, Path.Combine(options.RepoRoot, "bench", "portkey"), logs);
            started.Add(portkey);
            var portkeyBase = new Uri($"http://127.0.0.1:{portkeyPort}");
            await portkey.WaitUntilReadyAsync(portkeyBase, StartTimeout);

            var stack = new Stack(options, new OtlpSink())
            {
                Store = store,
                StoreKind = storeKind,
                StorePort = storePort,
                Emulator = emulator,
                EmulatorAdmin = emulatorAdmin,
                QuotaService = quotaService,
                QuotaAdmin = new QuotaAdmin(quotaBase, AdminKey),
                Portkey = portkey,
                PortkeyBase = portkeyBase,
            };
            stack.processes.AddRange(started);
            return stack;
        }
        catch
        {
            foreach (var process in started)
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>A Router replica on its own port, sharing the store, with the bench routing table and tracing exported to the sink.</summary>
    public Task<RouterProcess> StartRouterAsync(string name, IReadOnlyDictionary<string, string>? extraEnvironment = null) =>
        StartGatewayAsync("Router", name,
            [
                new("Quotas__AdminKey", AdminKey),
                .. BenchRouting.Environment(EmulatorAdmin),
                .. Otlp.ExporterEnvironment,
                .. extraEnvironment ?? new Dictionary<string, string>(),
            ]);

    /// <summary>
    /// The bench's floor (bench/BareForwarder): a do-nothing .NET forwarder to the emulator's OpenAI-compatible
    /// endpoint, with the same GC settings as the Router, optionally making the Router's admission call per request, speaking
    /// HTTP/2 to the emulator with <paramref name="http2"/> (beside a Router that does, <see cref="BenchRouting.Http2Upstream"/>),
    /// and traced and exported to the sink as the Router is with <paramref name="tracing"/>.
    /// </summary>
    public Task<RouterProcess> StartBareForwarderAsync(string name, bool admission, bool http2 = false, bool tracing = false) =>
        StartGatewayAsync("bench/BareForwarder", name,
            [
                new("Forwarder__Upstream", EmulatorAdmin.ChatUri.ToString()),
                new("Forwarder__UpstreamApiKey", EmulatorAdmin.OpenAIKey),
                new("Forwarder__Admission", admission ? "true" : "false"),
                new("Forwarder__ModelGroup", BenchRouting.OpenAIGroup),
                new("Forwarder__HttpVersion", http2 ? "2" : "1.1"),
                new("Forwarder__Tracing", tracing ? "true" : "false"),
                .. tracing ? Otlp.ExporterEnvironment : new Dictionary<string, string>(),
            ]);

    /// <summary>
    /// A gateway process on its own port with the store's connection string and, as the AppHost runs the
    /// Router (AppHost/Resources/RouterResourceExtensions.cs), a 64 MB gen0 budget; later settings win.
    /// </summary>
    private async Task<RouterProcess> StartGatewayAsync(string project, string name, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var port = FreePorts.Next();
        var environment = new Dictionary<string, string>(QuietAspNet)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__cache"] = $"127.0.0.1:{StorePort}",
            ["DOTNET_GCgen0size"] = "0x4000000",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = StartDotnet(options, project, name, environment, LogDirectory);
        var gateway = new RouterProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await process.WaitUntilReadyAsync(new Uri(gateway.Base, "/health"), StartTimeout);
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(processes))
        {
            await process.DisposeAsync();
        }

        await Otlp.DisposeAsync();
    }

    private static readonly IReadOnlyDictionary<string, string> QuietAspNet = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        // Aspire's launch profiles are not used here; nothing should reach out to a dashboard.
        ["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] = "",
    };

    private static ServerProcess StartDotnet(BenchOptions options, string project, string name, IReadOnlyDictionary<string, string> environment, string logs, params string[] arguments)
    {
        var dll = Path.Combine(options.RepoRoot, project, "bin", "Release", "net10.0", Path.GetFileName(project) + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build {project} with -c Release first (bench/run does).");
        }

        return ServerProcess.Start(name, "dotnet", [dll, .. arguments], environment, Path.GetDirectoryName(dll)!, logs);
    }

    private static async Task<(ServerProcess Process, string Kind, int Port)> StartStoreAsync(BenchOptions options, string logs)
    {
        var port = FreePorts.Next();
        var redis = FindOnPath("redis-server");
        var process = redis is not null
            ? ServerProcess.Start("redis", redis, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                new Dictionary<string, string>(), options.ResultsDirectory, logs)
            : StartDotnet(options, "GarnetHost", "garnet", new Dictionary<string, string>(), logs, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await process.WaitUntilListeningAsync(port, StartTimeout);
        return (process, redis is not null ? "redis-server" : "Garnet (GarnetHost)", port);
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
}

/// <summary>A started gateway process: a Router replica, or the bench's bare forwarder.</summary>
public sealed class RouterProcess(ServerProcess process, Uri baseAddress) : IAsyncDisposable
{
    public ServerProcess Process { get; } = process;

    public Uri Base { get; } = baseAddress;

    public Uri ChatUri => new(Base, "/v1/chat/completions");

    public Uri MessagesUri => new(Base, "/v1/messages");

    /// <summary>Whether the Router checks tenant keys: an unknown key is refused with 401 only when it does.</summary>
    public async Task<bool> EnforcesTenantKeysAsync()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatUri)
        {
            Content = new StringContent($$"""{"model":"{{BenchRouting.OpenAIGroup}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk-not-a-tenant-key");
        using var response = await client.SendAsync(request);
        return response.StatusCode == System.Net.HttpStatusCode.Unauthorized;
    }

    /// <summary>POST /admin/reset: empties capacity windows and closes every breaker.</summary>
    public async Task ResetAsync()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Base, "/admin/reset"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Stack.AdminKey);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

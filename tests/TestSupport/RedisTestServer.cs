using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Garnet;
using StackExchange.Redis;
using Xunit;

namespace Switchyard.Tests;

/// <summary>
/// A real Redis-compatible server for tests, never a mock, chosen by <c>SWITCHYARD_TEST_REDIS</c>: embedded
/// Garnet (Lua on) by default; <c>redis-server</c> from PATH; or <c>redis-cluster</c>, three redis-server
/// masters joined by <c>redis-cli --cluster create</c>, so every multi-key command and script is checked
/// against hash slots (CI runs the Redis-backed tests on all three). Use as an xunit class or collection fixture.
/// </summary>
public sealed class RedisTestServer : IAsyncLifetime
{
    public const string SelectorVariable = "SWITCHYARD_TEST_REDIS";

    public const string ClusterKind = "redis-cluster";

    private const int ClusterMasters = 3;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly int[] _ports;
    private readonly int[] _busPorts;
    private readonly List<Process> _redisServers = [];
    private GarnetServer? _garnet;
    private DirectoryInfo? _clusterDirectory;

    public RedisTestServer()
    {
        // A cluster node's bus gets its own free port too: the default (port + 10000) can be taken or above 65535.
        var ports = FreePorts(IsCluster ? 2 * ClusterMasters : 1);
        _ports = ports[..(IsCluster ? ClusterMasters : 1)];
        _busPorts = ports[_ports.Length..];
    }

    /// <summary>The kind the environment selects: "garnet", "redis-server" or "redis-cluster".</summary>
    public static string Kind { get; } = Environment.GetEnvironmentVariable(SelectorVariable) is { Length: > 0 } kind ? kind : "garnet";

    public static bool IsCluster => Kind == ClusterKind;

    /// <summary>The one server's port; a cluster has none (its clients find every node from <see cref="ConnectionString"/>).</summary>
    public int Port => IsCluster
        ? throw new InvalidOperationException("A Redis Cluster has no single port: connect through ConnectionString.")
        : _ports[0];

    /// <summary>
    /// StackExchange.Redis connection string: the server, or every cluster master. A cluster needs allowAdmin: the
    /// Redis health check that Aspire's client integration registers asks each node CLUSTER INFO, which
    /// StackExchange.Redis sends only in admin mode; without it every service's /health is Unhealthy (docs/architecture.md).
    /// </summary>
    public string ConnectionString => string.Join(',', _ports.Select(port => $"127.0.0.1:{port}")) + (IsCluster ? ",allowAdmin=true" : "");

    public async Task InitializeAsync()
    {
        switch (Kind)
        {
            case "garnet":
                _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(), "--lua", "--lua-transaction-mode"]);
                _garnet.Start();
                await WaitUntilAcceptingAsync(Port);
                break;
            case "redis-server":
                _redisServers.Add(Process.Start(new ProcessStartInfo("redis-server",
                    ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                {
                    RedirectStandardOutput = true,
                })!);
                await WaitUntilAcceptingAsync(Port);
                break;
            case ClusterKind:
                try
                {
                    await StartClusterAsync();
                }
                catch
                {
                    // A fixture whose start fails is not always disposed: leave no server or directory behind.
                    await DisposeAsync();
                    throw;
                }

                break;
            default:
                throw new InvalidOperationException($"{SelectorVariable}='{Kind}' is not garnet, redis-server or {ClusterKind}.");
        }
    }

    public Task DisposeAsync()
    {
        _garnet?.Dispose();
        foreach (var server in _redisServers)
        {
            if (!server.HasExited)
            {
                server.Kill();
                server.WaitForExit();
            }

            server.Dispose();
        }

        _redisServers.Clear();
        if (_clusterDirectory is { Exists: true })
        {
            _clusterDirectory.Delete(recursive: true);
        }

        return Task.CompletedTask;
    }

    private async Task StartClusterAsync()
    {
        _clusterDirectory = Directory.CreateTempSubdirectory("switchyard-redis-cluster-");
        var directory = _clusterDirectory.FullName;
        for (var i = 0; i < ClusterMasters; i++)
        {
            var port = _ports[i].ToString();
            _redisServers.Add(Process.Start(new ProcessStartInfo("redis-server",
            [
                "--port", port, "--bind", "127.0.0.1", "--dir", directory, "--logfile", Path.Combine(directory, $"redis-{port}.log"),
                "--cluster-enabled", "yes", "--cluster-port", _busPorts[i].ToString(),
                "--cluster-config-file", Path.Combine(directory, $"nodes-{port}.conf"),
                "--save", "", "--appendonly", "no",
            ]))!);
        }

        await Task.WhenAll(_ports.Select(WaitUntilAcceptingAsync));
        await RunRedisCliAsync(["--cluster", "create", .. _ports.Select(port => $"127.0.0.1:{port}"), "--cluster-replicas", "0", "--cluster-yes"]);
        await WaitUntilClusterStateOkAsync();
    }

    private static async Task RunRedisCliAsync(string[] arguments)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await cli.WaitForExitAsync(timeout.Token);
        if (cli.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} exited with {cli.ExitCode}:\n{await output}\n{await error}");
        }
    }

    /// <summary>Slots assigned is not yet serving: every master must report the whole cluster up.</summary>
    private async Task WaitUntilClusterStateOkAsync()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AllowAdmin = true;
        await using var nodes = await ConnectionMultiplexer.ConnectAsync(options);
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var port in _ports)
        {
            var server = nodes.GetServer(IPAddress.Loopback, port);
            while (!((string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? "").Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Redis Cluster node 127.0.0.1:{port} did not reach cluster_state:ok within {StartTimeout}.");
                }

                await Task.Delay(50);
            }
        }
    }

    /// <summary>Waits up to 10 s until a server accepts connections on the loopback port.</summary>
    public static async Task WaitUntilAcceptingAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Distinct free loopback ports: all listeners are open at once, so none is handed out twice.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }
}

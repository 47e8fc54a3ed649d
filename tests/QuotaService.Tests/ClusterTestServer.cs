using System.Diagnostics;
using Garnet;
using StackExchange.Redis;
using Switchyard.Tests;

namespace Switchyard.QuotaService.Tests;

/// <summary>
/// A one-node Redis Cluster (all 16384 slots on one node), Garnet or redis-server as
/// <see cref="RedisTestServer.SelectorVariable"/> says: like any cluster it refuses a command whose keys
/// hash to different slots (CROSSSLOT), and StackExchange.Redis refuses to send one.
/// </summary>
public sealed class ClusterTestServer : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("switchyard-cluster-").FullName;
    private GarnetServer? _garnet;
    private Process? _redisServer;

    // Under the 3-master cluster kind (CI's run 3) this one-node cluster is a redis-server.
    public string Kind { get; } = RedisTestServer.IsCluster ? "redis-server" : RedisTestServer.Kind;

    public int Port { get; } = RedisTestServer.FreePorts(1)[0];

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        switch (Kind)
        {
            case "garnet":
                _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(), "--lua", "--lua-transaction-mode", "--cluster",
                    "--checkpointdir", _directory, "--device-type", "RandomAccess"]);
                _garnet.Start();
                break;
            case "redis-server":
                _redisServer = Process.Start(new ProcessStartInfo("redis-server",
                    ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--cluster-enabled", "yes",
                        "--cluster-config-file", Path.Combine(_directory, "nodes.conf")])
                {
                    RedirectStandardOutput = true,
                })!;
                break;
            default:
                throw new InvalidOperationException($"{RedisTestServer.SelectorVariable}='{Kind}' is not garnet or redis-server.");
        }

        await RedisTestServer.WaitUntilAcceptingAsync(Port);
        var started = Stopwatch.StartNew();

        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        options.ConnectTimeout = 10_000;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        await db.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        while (!((string)(await db.ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal))
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), "the cluster never reached cluster_state:ok");
            await Task.Delay(50);
        }
    }

    public Task DisposeAsync()
    {
        _garnet?.Dispose();
        if (_redisServer is { HasExited: false })
        {
            _redisServer.Kill();
            _redisServer.WaitForExit();
        }

        _redisServer?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

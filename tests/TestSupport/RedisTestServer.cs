using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Xunit;

namespace Switchyard.Tests;

/// <summary>
/// A real Redis-compatible server for tests, never a mock: embedded Garnet (Lua on) by default,
/// or <c>redis-server</c> from PATH when <c>SWITCHYARD_TEST_REDIS=redis-server</c> (as CI's second pass sets).
/// Use as an xunit class or collection fixture.
/// </summary>
public sealed class RedisTestServer : IAsyncLifetime
{
    public const string SelectorVariable = "SWITCHYARD_TEST_REDIS";

    private GarnetServer? _garnet;
    private Process? _redisServer;

    /// <summary>"garnet" or "redis-server".</summary>
    public string Kind { get; } = Environment.GetEnvironmentVariable(SelectorVariable) is { Length: > 0 } kind ? kind : "garnet";

    public int Port { get; } = FreePort();

    /// <summary>StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        switch (Kind)
        {
            case "garnet":
                _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(), "--lua", "--lua-transaction-mode"]);
                _garnet.Start();
                break;
            case "redis-server":
                _redisServer = Process.Start(new ProcessStartInfo("redis-server",
                    ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                {
                    RedirectStandardOutput = true,
                })!;
                break;
            default:
                throw new InvalidOperationException($"{SelectorVariable}='{Kind}' is not garnet or redis-server.");
        }

        await WaitUntilAcceptingAsync();
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
        return Task.CompletedTask;
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

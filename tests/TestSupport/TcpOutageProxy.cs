using System.Net;
using System.Net.Sockets;

namespace Switchyard.Tests;

/// <summary>
/// A loopback TCP proxy in front of the test server that can be cut (connections dropped, new ones
/// refused) and restored on the same port: a store outage and its recovery without restarting the store.
/// It can also hold every reply for a while: a slow store.
/// </summary>
public sealed class TcpOutageProxy : IAsyncDisposable
{
    /// <summary>Why a test that cuts this proxy runs against one server only (SingleRedisServerFact).</summary>
    public const string SingleServerOnly = "the outage is a TCP proxy in front of one server, and a cluster client reaches the nodes past it";

    private readonly int _targetPort;
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();
    private long _chunksToStore;

    public TcpOutageProxy(int targetPort)
    {
        _targetPort = targetPort;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Chunks the clients have sent the store so far: whether a client asked it at all in some stretch.</summary>
    public long ChunksToStore => Interlocked.Read(ref _chunksToStore);

    /// <summary>How long each chunk the store sends is held before it reaches the client.</summary>
    public TimeSpan ReplyDelay { get; set; }

    public void Restore()
    {
        _cut = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _cut.Token);
    }

    public void Cut()
    {
        _cut.Cancel();
        _listener?.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cut);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, cut);
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(upstream);
            }

            _ = PumpAsync(client.GetStream(), upstream.GetStream(), () => TimeSpan.Zero, () => Interlocked.Increment(ref _chunksToStore), cut);
            _ = PumpAsync(upstream.GetStream(), client.GetStream(), () => ReplyDelay, () => { }, cut);
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, Func<TimeSpan> delay, Action forwarded, CancellationToken cut)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cut)) > 0)
            {
                if (delay() is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, cut);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cut);
                forwarded();
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The outage: the connection is gone.
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>The Region endpoints speak HTTP/2 with prior knowledge (h2c) and HTTP/1.1 on the same port.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class H2cTests(EmulatorHost host) : EmulatorTest(host)
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>An empty SETTINGS frame: length 0, type 4, no flags, stream 0.</summary>
    private static readonly byte[] EmptySettings = [0, 0, 0, 4, 0, 0, 0, 0, 0];

    [Fact]
    public async Task Converse_and_ConverseStream_are_served_over_HTTP2_with_prior_knowledge()
    {
        using var client = Host.SignedClient("us-east-2");
        client.DefaultRequestVersion = HttpVersion.Version20;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var converse = await ConverseAsync(client, Haiku);
        using var stream = await ConverseAsync(client, "us." + Sonnet, Body(maxTokens: 10), stream: true);

        Assert.Equal(HttpStatusCode.OK, converse.StatusCode);
        Assert.Equal(HttpVersion.Version20, converse.Version);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal(HttpVersion.Version20, stream.Version);
        Assert.Equal("metadata", Header((await FramesAsync(stream))[^1], ":event-type"));
    }

    [Fact]
    public async Task HTTP1_clients_are_served_as_before_on_the_same_port()
    {
        using var client = Host.SignedClient("us-east-2");

        using var converse = await ConverseAsync(client, Haiku);

        Assert.Equal(HttpStatusCode.OK, converse.StatusCode);
        Assert.Equal(HttpVersion.Version11, converse.Version);
    }

    [Fact]
    public async Task A_preface_that_arrives_in_pieces_still_opens_HTTP2()
    {
        using var tcp = await ConnectAsync("us-west-2");
        var network = tcp.GetStream();

        await network.WriteAsync(Preface.AsMemory(0, 5));
        await network.FlushAsync();
        await Task.Delay(100);
        await network.WriteAsync(Preface.AsMemory(5));
        await network.WriteAsync(EmptySettings);

        // The server's first frame is its SETTINGS.
        var header = new byte[9];
        await network.ReadExactlyAsync(header).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, header[3]);
        Assert.Equal(0, header[4] & 1);
    }

    [Fact]
    public async Task A_request_that_starts_like_the_preface_but_is_HTTP1_is_served_as_HTTP1()
    {
        using var tcp = await ConnectAsync("us-west-2");
        var network = tcp.GetStream();

        // "P" agrees with the preface, "O" does not.
        await network.WriteAsync("P"u8.ToArray());
        await network.FlushAsync();
        await Task.Delay(100);
        await network.WriteAsync("OST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n\r\nAction=GetCallerI"u8.ToArray());

        var reader = new StreamReader(network, Encoding.ASCII);
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("HTTP/1.1 403 Forbidden", status);
    }

    private async Task<TcpClient> ConnectAsync(string endpoint)
    {
        var uri = Host.Endpoint(endpoint);
        var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        return tcp;
    }
}

using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Switchyard.ServiceDefaults.Hosting;

/// <summary>
/// A connection middleware that lets one cleartext endpoint speak HTTP/1.1 and HTTP/2 with prior
/// knowledge (RFC 9113 3.3, what the AWS SDK for JavaScript's HTTP/2 handler does on http:// URLs): it
/// peeks at the first bytes without consuming them, and when they are the HTTP/2 connection preface marks
/// the connection with <see cref="H2cPriorKnowledgeFeature"/>, which makes Kestrel pick HTTP/2 for it.
/// </summary>
public static class H2cPrefaceDetection
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static ListenOptions UseH2cPriorKnowledge(this ListenOptions listen)
    {
        // A connection that sends nothing is left to Kestrel (as HTTP/1.1) after its keep-alive timeout,
        // which then closes it as it would any idle connection.
        var wait = listen.KestrelServerOptions.Limits.KeepAliveTimeout;
        listen.Use(next => async connection =>
        {
            // Behind TLS, ALPN already chose the protocol: only a cleartext connection is looked at.
            if (connection.Features.Get<ITlsConnectionFeature>() is null && await StartsWithPrefaceAsync(connection.Transport.Input, wait))
            {
                var feature = new H2cPriorKnowledgeFeature();
                connection.Features.Set<ITlsConnectionFeature>(feature);
                connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
            }

            await next(connection);
        });
        return listen;
    }

    /// <summary>Reads until the bytes received diverge from the preface or complete it; consumes nothing.</summary>
    private static async Task<bool> StartsWithPrefaceAsync(PipeReader input, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        await using var registration = timeout.Token.Register(input.CancelPendingRead);
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            var verdict = Compare(buffer);
            if (verdict is not null || result.IsCompleted || result.IsCanceled)
            {
                // Nothing consumed and nothing examined: Kestrel's protocol handler reads it all again at once.
                input.AdvanceTo(buffer.Start);
                return verdict == true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>True: the preface; false: not it; null: a prefix of it so far.</summary>
    private static bool? Compare(in ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> start = stackalloc byte[length];
        buffer.Slice(0, length).CopyTo(start);
        if (!start.SequenceEqual(Preface[..length]))
        {
            return false;
        }

        return length == Preface.Length ? true : null;
    }
}

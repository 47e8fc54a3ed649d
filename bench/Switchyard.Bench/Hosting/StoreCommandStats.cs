using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchyard.Bench.Hosting;

/// <summary>
/// How many round trips gateways made to the store: the calls of its script commands (EVAL, EVALSHA and
/// their read-only forms, FCALL) read from <c>INFO commandstats</c>. Commands a script runs inside the
/// store count there too, so only the script commands themselves are summed: every admission, settlement
/// and capacity call of the Router and the forwarder is one script call. Spoken in plain RESP so the
/// suite needs no Redis client; null when the store does not report command statistics (Garnet may not).
/// </summary>
public static class StoreCommandStats
{
    private static readonly string[] ScriptCommands = ["cmdstat_eval:", "cmdstat_evalsha:", "cmdstat_eval_ro:", "cmdstat_evalsha_ro:", "cmdstat_fcall:", "cmdstat_fcall_ro:"];

    public static async Task<long?> ScriptCallsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            await stream.WriteAsync("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"u8.ToArray());
            var reply = await ReadBulkAsync(stream);
            if (reply is null || !reply.Contains("cmdstat_", StringComparison.Ordinal))
            {
                return null;
            }

            long calls = 0;
            foreach (var line in reply.Split('\n', StringSplitOptions.TrimEntries))
            {
                if (ScriptCommands.Any(prefix => line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    && line.IndexOf("calls=", StringComparison.Ordinal) is var at and >= 0)
                {
                    var digits = line[(at + 6)..].TakeWhile(char.IsAsciiDigit).ToArray();
                    calls = checked(calls + long.Parse(digits, CultureInfo.InvariantCulture));
                }
            }

            return calls;
        }
        catch (Exception e) when (e is SocketException or IOException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Reads one RESP bulk string reply ($length, the bytes, CRLF); null for anything else.</summary>
    private static async Task<string?> ReadBulkAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        int? length = null;
        var headerEnd = 0;
        while (length is null || buffer.Count < headerEnd + length)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
            if (length is null && buffer.IndexOf((byte)'\n') is var newline and > 0)
            {
                var header = Encoding.ASCII.GetString([.. buffer[..newline]]).TrimEnd('\r');
                if (!header.StartsWith('$') || !int.TryParse(header.AsSpan(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var bulk) || bulk < 0)
                {
                    return null;
                }

                length = bulk;
                headerEnd = newline + 1;
            }
        }

        return Encoding.UTF8.GetString([.. buffer.GetRange(headerEnd, length.Value)]);
    }
}

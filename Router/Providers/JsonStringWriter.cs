using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchyard.Router.Providers;

/// <summary>
/// Writes free text (a prompt, a message, a tool's description) as a JSON string with only the escapes JSON
/// requires: quotation mark, backslash and control characters, found with a vectorized search and everything
/// between them transcoded to UTF-8 as it is. <see cref="Utf8JsonWriter"/>, even with the relaxed encoder, goes
/// character by character from the first one it escapes, and in prompts and tool descriptions a newline or a quote
/// comes every line: writing a coding agent's request (115 KB, most of it such text) spent a tenth of the Router's
/// CPU on that loop. The output is the same string (a property test reads it back); what needs no escape is not escaped.
/// </summary>
internal static class JsonStringWriter
{
    private static readonly SearchValues<char> MustEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    /// <summary>Writes <c>"name": "value"</c>; <paramref name="scratch"/> is cleared and used, and free again afterwards.</summary>
    public static void WriteText(this Utf8JsonWriter writer, ReadOnlySpan<byte> propertyName, string value, PooledBufferWriter scratch)
    {
        writer.WritePropertyName(propertyName);
        writer.WriteTextValue(value, scratch);
    }

    /// <summary>Writes the string value; <paramref name="scratch"/> is cleared and used, and free again afterwards.</summary>
    public static void WriteTextValue(this Utf8JsonWriter writer, ReadOnlySpan<char> value, PooledBufferWriter scratch)
    {
        scratch.Clear();
        Write(scratch, "\""u8);
        var rest = value;
        while (true)
        {
            var special = rest.IndexOfAny(MustEscape);
            // Runs end only before an ASCII character, so a surrogate pair is never split; a lone one becomes U+FFFD.
            var run = special < 0 ? rest : rest[..special];
            if (!run.IsEmpty)
            {
                Utf8.FromUtf16(run, scratch.GetSpan(checked(run.Length * 3)), out _, out var written);
                scratch.Advance(written);
            }

            if (special < 0)
            {
                break;
            }

            Escape(scratch, rest[special]);
            rest = rest[(special + 1)..];
        }

        Write(scratch, "\""u8);
        writer.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
        scratch.Clear();
    }

    private static void Escape(PooledBufferWriter output, char c)
    {
        switch (c)
        {
            case '"':
                Write(output, "\\\""u8);
                break;
            case '\\':
                Write(output, "\\\\"u8);
                break;
            case '\n':
                Write(output, "\\n"u8);
                break;
            case '\r':
                Write(output, "\\r"u8);
                break;
            case '\t':
                Write(output, "\\t"u8);
                break;
            case '\b':
                Write(output, "\\b"u8);
                break;
            case '\f':
                Write(output, "\\f"u8);
                break;
            default:
                var span = output.GetSpan(6);
                "\\u00"u8.CopyTo(span);
                span[4] = (byte)"0123456789ABCDEF"[c >> 4];
                span[5] = (byte)"0123456789ABCDEF"[c & 0xF];
                output.Advance(6);
                break;
        }
    }

    private static void Write(PooledBufferWriter output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}

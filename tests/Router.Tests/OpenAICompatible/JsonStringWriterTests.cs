using System.Text.Json;
using CsCheck;
using Switchyard.Router.Providers;

namespace Switchyard.Router.Tests.OpenAICompatible;

/// <summary>Free text written by <see cref="JsonStringWriter"/> reads back as the same string (a lone surrogate as U+FFFD, as UTF-8 has no other way).</summary>
public sealed class JsonStringWriterTests
{
    [Fact]
    public void Any_text_reads_back_as_written()
    {
        // Characters that must be escaped, ones the default encoder escapes and this one need not, multi-byte ones,
        // surrogate pairs and lone surrogates, in runs of every length.
        var chars = Gen.OneOf(Gen.Char[(char)0, (char)0x7F], Gen.OneOf('"', '\\', '\n', '\r', '\t', '\b', '\f', '<', '&', '\'', '+', 'é', '中', '\u2028', '\uFEFF'),
            Gen.Char['\uD800', '\uDFFF'], Gen.Char);
        Gen.String[chars, 0, 200].Sample(text =>
        {
            using var scratch = new PooledBufferWriter(16);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
            {
                writer.WriteStartObject();
                writer.WriteText("t"u8, text, scratch);
                writer.WriteStartArray("a"u8);
                writer.WriteTextValue(text, scratch);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            var expected = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
            Assert.Equal(expected, document.RootElement.GetProperty("t").GetString());
            Assert.Equal(expected, document.RootElement.GetProperty("a")[0].GetString());
            Assert.Equal(0, scratch.WrittenSpan.Length);
        }, iter: 5_000);
    }

    [Fact]
    public void Only_what_json_requires_is_escaped()
    {
        using var scratch = new PooledBufferWriter();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteTextValue("a\"b\\c\nd\u0001<é>", scratch);
        }

        Assert.Equal("\"a\\\"b\\\\c\\nd\\u0001<é>\"", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}

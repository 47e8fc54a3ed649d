using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchyard.Router.Providers;

/// <summary>How request bodies to providers are written: for an API, not into HTML.</summary>
internal static class UpstreamJson
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        // No need to escape '+', '<' or non-ASCII text: a third of the bytes for CJK, and in tool descriptions full
        // of <example> tags the default encoder's escaping was the largest cost of serializing a Converse body.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>A body serialized with <see cref="WriterOptions"/> (the serializer's own options would escape as for HTML).</summary>
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        using var buffer = new PooledBufferWriter(2048);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Copies the SDK's serialized request body into an array of its exact size and frees the SDK's buffer
/// before the call goes out. The SDK writes the body into a rented 16 KB buffer that it keeps until the
/// response is disposed, which for a stream is when the stream ends: 16 KB held per open stream, 80 MB
/// at 5,000 streams (bench/, scale scenario), for bodies that are usually under 1 KB.
/// </summary>
internal sealed class CompactRequestContentPolicy : PipelinePolicy
{
    public static readonly CompactRequestContentPolicy Instance = new();

    private CompactRequestContentPolicy()
    {
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Compact(message.Request);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Compact(message.Request);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private static void Compact(PipelineRequest request)
    {
        if (request.Content is not { } content)
        {
            return;
        }

        using var copy = new MemoryStream(content.TryComputeLength(out var length) && length is > 0 and < int.MaxValue ? (int)length : 0);
        content.WriteTo(copy);
        var body = copy.Length == copy.Capacity ? copy.GetBuffer() : copy.ToArray();
        request.Content = BinaryContent.Create(BinaryData.FromBytes(body));
        content.Dispose();
    }
}

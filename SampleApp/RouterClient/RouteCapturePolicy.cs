using System.ClientModel.Primitives;

namespace Switchyard.SampleApp.RouterClient;

/// <summary>Copies each Router response's status and routing headers into the current <see cref="RouteCapture"/>.</summary>
internal sealed class RouteCapturePolicy : PipelinePolicy
{
    public static readonly RouteCapturePolicy Instance = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Record(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex);
        Record(message);
    }

    private static void Record(PipelineMessage message)
    {
        if (message.Response is { } response)
        {
            RouteCapture.Current?.Record(response);
        }
    }
}

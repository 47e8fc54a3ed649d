using System.ClientModel.Primitives;

namespace Switchyard.SampleApp.RouterClient;

/// <summary>
/// The Router's answer to one call made through the OpenAI client: status and <see cref="ServedBy"/>.
/// The OpenAI client hides response headers, so <see cref="RouteCapturePolicy"/> fills the capture that
/// the caller opened with <see cref="Begin"/>; the AsyncLocal carries the (mutable) capture down into
/// the client's pipeline, including the one a streaming call runs on its first MoveNextAsync.
/// </summary>
public sealed class RouteCapture
{
    private static readonly AsyncLocal<RouteCapture?> CurrentCapture = new();

    public int? StatusCode { get; private set; }

    public ServedBy? ServedBy { get; private set; }

    internal static RouteCapture? Current => CurrentCapture.Value;

    /// <summary>Opens a capture for the calls that follow on this async flow.</summary>
    public static RouteCapture Begin()
    {
        var capture = new RouteCapture();
        CurrentCapture.Value = capture;
        return capture;
    }

    internal void Record(PipelineResponse response)
    {
        StatusCode = response.Status;
        ServedBy = ServedBy.FromHeaders(name => response.Headers.TryGetValue(name, out var value) ? value : null);
    }
}

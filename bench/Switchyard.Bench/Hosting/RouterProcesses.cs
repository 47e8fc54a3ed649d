namespace Switchyard.Bench.Hosting;

/// <summary>Several started gateways stopped together: the overhead scenario's <c>--router-variant</c> Routers.</summary>
public sealed class RouterProcesses : IAsyncDisposable
{
    private readonly List<RouterProcess> _started = [];

    public IReadOnlyList<RouterProcess> Started => _started;

    public void Add(RouterProcess process) => _started.Add(process);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            await process.DisposeAsync();
        }
    }
}

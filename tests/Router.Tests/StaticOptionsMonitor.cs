using Microsoft.Extensions.Options;

namespace Switchyard.Router.Tests;

/// <summary>Options that never change, for constructing providers directly.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

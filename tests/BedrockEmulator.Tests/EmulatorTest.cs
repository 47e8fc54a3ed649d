namespace Switchyard.BedrockEmulator.Tests;

/// <summary>A test against the shared emulator host, which starts each test from a clean state.</summary>
public abstract class EmulatorTest(EmulatorHost host) : IAsyncLifetime
{
    protected EmulatorHost Host { get; } = host;

    public Task InitializeAsync() => Host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

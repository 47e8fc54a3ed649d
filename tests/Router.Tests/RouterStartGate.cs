namespace Switchyard.Router.Tests;

/// <summary>
/// Serialises Router starts within the test process: a Router reads its Redis connection string from the
/// process environment while Program.cs runs, so two hosts starting at once could each get the other's store.
/// </summary>
internal static class RouterStartGate
{
    private static readonly Lock Gate = new();

    /// <summary>Starts a Router with <paramref name="redis"/> as its store; no other Router starts meanwhile.</summary>
    public static void Start(string redis, Action start)
    {
        lock (Gate)
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__cache", redis);
            start();
        }
    }
}

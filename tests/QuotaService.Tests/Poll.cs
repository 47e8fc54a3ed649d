using System.Diagnostics;

namespace Switchyard.QuotaService.Tests;

internal static class Poll
{
    /// <summary>Waits until the condition holds, failing the test with the message if it does not within the time given.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan within, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < within, failure);
            await Task.Delay(20);
        }
    }
}

namespace Switchyard.Router.Tests;

/// <summary>Reads what the Router settles after the response has gone out (leases, capacity), until it is as expected or five seconds pass.</summary>
internal static class Eventually
{
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 100 && !done(value); i++)
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }
}

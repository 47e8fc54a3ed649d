using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Switchyard.Router.Tests;

/// <summary>A deployment's capacity window as the Router's script keeps it in Redis: what is still counted against its rpm and tpm.</summary>
internal static class CapacityWindow
{
    public static async Task<(long Requests, long Tokens)> ReadAsync(IServiceProvider router, string deployment)
    {
        var fields = await router.GetRequiredService<IConnectionMultiplexer>().GetDatabase().HashGetAllAsync($"sy:cap:{{{deployment}}}");
        long Sum(string prefix) => fields.Where(f => f.Name.ToString().StartsWith(prefix, StringComparison.Ordinal)).Sum(f => (long)f.Value);
        return (Sum("r:"), Sum("t:"));
    }
}

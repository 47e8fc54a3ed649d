using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Switchyard.Router.Tests;

/// <summary>A deployment's capacity window as the Router's script keeps it in Redis: what is still counted against its rpm and tpm.</summary>
internal static class CapacityWindow
{
    public static Task<(long Requests, long Tokens)> ReadAsync(IServiceProvider router, string deployment) =>
        ReadAsync(router.GetRequiredService<IConnectionMultiplexer>(), deployment);

    public static async Task<(long Requests, long Tokens)> ReadAsync(IConnectionMultiplexer redis, string deployment)
    {
        var fields = await redis.GetDatabase().HashGetAllAsync(Key(deployment));
        long Sum(string prefix) => fields.Where(f => f.Name.ToString().StartsWith(prefix, StringComparison.Ordinal)).Sum(f => (long)f.Value);
        return (Sum("r:"), Sum("t:"));
    }

    /// <summary>The window's hash: fields "r:&lt;unix second&gt;" and "t:&lt;unix second&gt;" count requests and tokens per second.</summary>
    public static RedisKey Key(string deployment) => $"sy:cap:{{{deployment}}}";

    /// <summary>The store's clock (TIME), which cuts the windows, in unix seconds.</summary>
    public static async Task<long> StoreSecondsAsync(IConnectionMultiplexer redis) =>
        (long)((RedisResult[])(await redis.GetDatabase().ExecuteAsync("TIME"))!)[0];
}

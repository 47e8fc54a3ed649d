using Switchyard.AppHost.Cache;

namespace Switchyard.AppHost.Tests;

public class CacheHostingSelectorTests
{
    private const string RedisServer = "/usr/bin/redis-server";

    [Theory]
    [InlineData(true, true, RedisServer, CacheHosting.Container)]
    [InlineData(true, false, null, CacheHosting.Container)]
    [InlineData(false, true, RedisServer, CacheHosting.Container)]
    [InlineData(false, false, RedisServer, CacheHosting.RedisServer)]
    [InlineData(false, false, null, CacheHosting.Garnet)]
    public void Picks_container_then_redis_server_then_garnet(bool publish, bool runtimeHealthy, string? redisServer, CacheHosting expected)
    {
        var (hosting, reason) = CacheHostingSelector.Select(new CacheEnvironment(publish, runtimeHealthy, redisServer, Override: null));

        Assert.Equal(expected, hosting);
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Theory]
    [InlineData("garnet", CacheHosting.Garnet)]
    [InlineData("redis-server", CacheHosting.RedisServer)]
    [InlineData(" Container ", CacheHosting.Container)]
    public void Override_wins_in_run_mode(string value, CacheHosting expected)
    {
        var (hosting, _) = CacheHostingSelector.Select(new CacheEnvironment(false, false, RedisServer, value));

        Assert.Equal(expected, hosting);
    }

    [Fact]
    public void Publish_mode_ignores_the_override()
    {
        var (hosting, _) = CacheHostingSelector.Select(new CacheEnvironment(true, false, null, "garnet"));

        Assert.Equal(CacheHosting.Container, hosting);
    }

    [Fact]
    public void Override_to_a_missing_redis_server_fails_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            CacheHostingSelector.Select(new CacheEnvironment(false, false, null, "redis-server")));

        Assert.Contains("no redis-server was found on PATH", error.Message);
    }

    [Fact]
    public void Unknown_override_is_rejected()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            CacheHostingSelector.Select(new CacheEnvironment(false, true, null, "memcached")));

        Assert.Contains("memcached", error.Message);
    }

    [Fact]
    public void Path_lookup_finds_executables_and_misses_unknown_names()
    {
        Assert.NotNull(MachineProbe.FindOnPath("dotnet"));
        Assert.Null(MachineProbe.FindOnPath("switchyard-no-such-binary"));
    }
}

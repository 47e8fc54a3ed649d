using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.AppHost.Cache;

public static class CacheResourceBuilderExtensions
{
    /// <summary>
    /// Adds the Redis-compatible "cache" resource, hosted however this machine allows
    /// (see <see cref="CacheHostingSelector"/>). Consumers see one connection string either way.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddSwitchyardCache(this IDistributedApplicationBuilder builder, string name)
    {
        var environment = new CacheEnvironment(
            builder.ExecutionContext.IsPublishMode,
            // The probe shells out to the container CLI: skip it when the choice is already made.
            !builder.ExecutionContext.IsPublishMode
                && string.IsNullOrWhiteSpace(builder.Configuration[CacheHostingSelector.OverrideVariable])
                && MachineProbe.ContainerRuntimeHealthy(),
            MachineProbe.FindOnPath("redis-server"),
            builder.Configuration[CacheHostingSelector.OverrideVariable]);
        var (hosting, reason) = CacheHostingSelector.Select(environment);

        // The AppHost's own logger is not built yet; the console line is what a developer sees first.
        Console.WriteLine($"switchyard: cache resource '{name}' hosted as {hosting}: {reason}");

        if (hosting == CacheHosting.Container)
        {
            return builder.AddRedis(name).WithAnnotation(new CacheHostingAnnotation(hosting, reason)).Downcast();
        }

        var port = MachineProbe.FreeLoopbackPort();
        IResourceBuilder<IResourceWithConnectionString> cache = hosting == CacheHosting.RedisServer
            ? builder.AddResource(new RedisServerResource(name, environment.RedisServerPath!, builder.AppHostDirectory))
                .WithArgs("--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                .WithEndpoint(port: port, targetPort: port, name: LocalCacheEndpoint.Name, scheme: "tcp", isProxied: false)
                .Downcast()
            : builder.AddResource(new GarnetResource(name))
                .WithAnnotation<IProjectMetadata>(new Projects.GarnetHost())
                .WithArgs("--port", port.ToString())
                .WithEndpoint(port: port, targetPort: port, name: LocalCacheEndpoint.Name, scheme: "tcp", isProxied: false)
                .Downcast();

        var healthCheckKey = $"{name}_redis_ping";
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{port}", name: healthCheckKey);
        return cache.WithAnnotation(new CacheHostingAnnotation(hosting, reason)).WithHealthCheck(healthCheckKey);
    }

    private static IResourceBuilder<IResourceWithConnectionString> Downcast<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString =>
        builder.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(builder.Resource);
}

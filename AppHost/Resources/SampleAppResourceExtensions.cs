namespace Switchyard.AppHost;

public static class SampleAppResourceExtensions
{
    public static IResourceBuilder<ProjectResource> AddSampleApp(
        this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ProjectResource> router, IResourceBuilder<IResourceWithConnectionString> cache) =>
        builder.AddProject<Projects.SampleApp>(name)
            .WithReference(router)
            .WaitFor(router)
            .WithReference(cache)
            .WaitFor(cache)
            .WithHttpHealthCheck("/health");
}

namespace Switchyard.AppHost.Cache;

/// <summary>Records which hosting was chosen, so tests and tooling can read it off the model.</summary>
public sealed record CacheHostingAnnotation(CacheHosting Hosting, string Reason) : IResourceAnnotation;

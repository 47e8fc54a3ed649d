namespace Switchyard.Architecture.Tests;

/// <summary>
/// A configuration section a service binds to an options type. <see cref="Section"/> is a path such as
/// "Routing" or "Quotas:SeedTenants:*", where "*" stands for any one key.
/// </summary>
internal sealed record SectionBinding(string Section, Type Options);

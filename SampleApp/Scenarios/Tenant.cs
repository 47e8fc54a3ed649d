namespace Switchyard.SampleApp.Scenarios;

/// <summary>A tenant: its API key and the model group it uses by default.</summary>
public sealed record Tenant(string Name, string ApiKey, string ModelGroup);

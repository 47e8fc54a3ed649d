namespace Switchyard.SampleApp.Scenarios;

/// <summary>One request a scenario plans: which model group, with which tenant key, and a label to group it by.</summary>
public sealed record PlannedRequest(string ModelGroup, string ApiKey, string? Label = null);

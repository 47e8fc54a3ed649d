namespace Switchyard.SampleApp.Scenarios;

/// <summary>A scenario could not run (a service refused to reset or to take a fault).</summary>
public sealed class ScenarioException(string message) : Exception(message);

// The control for RulesCatchViolationsTests: an adapter on the core, the core on telemetry, nothing back;
// inside the Routing folder, a sub-folder and its parent use each other, which the folder rule allows.
// The rules must pass here, so a rule that fails on everything is caught too.
namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.Telemetry
{
    internal static class RouterSpans
    {
        public static string StartAttempt(string deployment) => $"chat {deployment}";
    }
}

namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.Routing
{
    internal sealed class Deployment(string name)
    {
        public string Name => name;

        public Latency.LatencySketch Latency { get; } = new();

        public string StartAttempt() => Telemetry.RouterSpans.StartAttempt(name);
    }
}

namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.Routing.Latency
{
    internal sealed class LatencySketch
    {
        public string Describe(Deployment deployment) => $"latency of {deployment.Name}";
    }
}

namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.OpenAI
{
    internal static class ChatCompletionsDoor
    {
        public static string Serve(string model) => new Routing.Deployment(model).StartAttempt();
    }
}

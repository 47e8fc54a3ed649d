// The control for RulesCatchViolationsTests: an adapter on the core, the core on telemetry, nothing back.
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
        public string StartAttempt() => Telemetry.RouterSpans.StartAttempt(name);
    }
}

namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.OpenAI
{
    internal static class ChatCompletionsDoor
    {
        public static string Serve(string model) => new Routing.Deployment(model).StartAttempt();
    }
}

// Deliberate violations for RulesCatchViolationsTests: two namespaces that use each other, as Routing and
// Telemetry once did (a span started from a Deployment, a Deployment that starts spans).
namespace Switchyard.Architecture.Tests.Fixtures.Cyclic.Routing
{
    internal sealed class Deployment(string name)
    {
        public string Name => name;

        public string StartAttempt() => Telemetry.RouterSpans.StartAttempt(this);
    }
}

namespace Switchyard.Architecture.Tests.Fixtures.Cyclic.Telemetry
{
    internal static class RouterSpans
    {
        public static string StartAttempt(Routing.Deployment deployment) => $"chat {deployment.Name}";
    }
}

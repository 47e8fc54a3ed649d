// The control for RulesCatchViolationsTests: an adapter on the core, the core on telemetry, nothing back;
// inside the Routing folder, a sub-folder and its parent use each other, which the folder rule allows.
// The rules must pass here, so a rule that fails on everything is caught too.
namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.Telemetry
{
    internal static class RouterSpans
    {
        public static string StartAttempt(string deployment) => $"chat {deployment}";

        // Shaped like Deployment.TryReadAs<T>: ArchUnitNET 0.13.5 hands one method's T to the other (as it did with the
        // emulator's RequestJson and LogsHandler), which the folder rule must not read as Telemetry using Routing.
        public static T? ReadAs<T>(System.ReadOnlySpan<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
            where T : class => System.Text.Json.JsonSerializer.Deserialize(body, type);
    }
}

namespace Switchyard.Architecture.Tests.Fixtures.WellLayered.Routing
{
    internal sealed class Deployment(string name)
    {
        public string Name => name;

        public Latency.LatencySketch Latency { get; } = new();

        public string StartAttempt() => Telemetry.RouterSpans.StartAttempt(name);

        public static bool TryReadAs<T>(System.ReadOnlySpan<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out T? value)
            where T : class
        {
            value = System.Text.Json.JsonSerializer.Deserialize(body, type);
            return value is not null;
        }
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

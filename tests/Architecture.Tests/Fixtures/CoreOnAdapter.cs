// Deliberate violation for RulesCatchViolationsTests: a core namespace (Routing) that uses a protocol
// adapter's wire type (OpenAI); no cycle, only the wrong direction.
namespace Switchyard.Architecture.Tests.Fixtures.CoreOnAdapter.OpenAI
{
    internal sealed record ChatCompletionWire(string Model);
}

namespace Switchyard.Architecture.Tests.Fixtures.CoreOnAdapter.Routing
{
    internal static class ChatRouter
    {
        public static string ModelGroup(OpenAI.ChatCompletionWire request) => request.Model;
    }
}

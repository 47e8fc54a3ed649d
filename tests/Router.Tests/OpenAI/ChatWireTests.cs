using Switchyard.Router.OpenAI;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>The Chat Completions wire type and the parameter policy it lets skip (JsonRequestReader's one-pass reading).</summary>
public sealed class ChatWireTests
{
    [Fact]
    public void The_wire_type_lists_exactly_the_parameters_the_policy_honours()
    {
        // A request with only listed members is not shown to the policy: a listed member the policy ignores or
        // refuses would pass unnoticed, and an honoured one left unlisted would cost every request the policy's pass.
        var listed = OpenAIJsonContext.Default.ChatCompletionRequest.Properties.Where(p => !p.IsExtensionData).Select(p => p.Name);

        Assert.Equal(ChatParameterPolicy.Honoured.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }
}

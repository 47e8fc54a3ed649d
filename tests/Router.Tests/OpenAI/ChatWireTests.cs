using System.Text;
using Switchyard.Router.Http;
using Switchyard.Router.OpenAI;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>The Chat Completions wire type and the parameter policy it lets skip (JsonRequestReader's one-pass reading).</summary>
public sealed class ChatWireTests
{
    [Fact]
    public void Every_parameter_the_policy_honours_is_listed_so_it_costs_no_policy_pass()
    {
        var listed = OpenAIJsonContext.Default.ChatCompletionRequest.Properties.Where(p => !p.IsExtensionData).Select(p => p.Name).ToHashSet();

        Assert.Subset(listed, ChatParameterPolicy.Honoured.ToHashSet());
        Assert.False(GoesToPolicy("""{"model":"m","messages":[],"max_tokens":5,"stream":true,"tools":[]}"""));
    }

    [Fact]
    public void Any_other_member_set_hands_the_request_to_the_policy()
    {
        // Each parameter the policy ignores or refuses, and one it does not know, set to values of two types.
        foreach (var name in ChatParameterPolicy.Known.Except(ChatParameterPolicy.Honoured).Append("no_such_parameter"))
        {
            Assert.True(GoesToPolicy($$"""{"model":"m","{{name}}":"x"}"""), name);
            Assert.True(GoesToPolicy($$$"""{"model":"m","{{{name}}}":{"k":1}}"""), name);
        }
    }

    /// <summary>What JsonRequestReader decides: the policy sees the request unless the one-pass reading succeeds and leaves it nothing to do.</summary>
    private static bool GoesToPolicy(string json) =>
        JsonRequestBody.ReadTyped(Encoding.UTF8.GetBytes(json), OpenAIJsonContext.Default.ChatCompletionRequest) is not { } typed
        || !ChatParameterPolicy.HasNothingToDo(typed);
}

using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.Routing;

public sealed class ModelOutputLimitsTests
{
    [Theory]
    [InlineData("anthropic.claude-sonnet-4-6", 64_000)]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", 64_000)]
    [InlineData("global.anthropic.claude-haiku-4-5-20251001-v1:0", 64_000)]
    [InlineData("eu.anthropic.claude-opus-4-1-20250805-v1:0", 32_000)]
    [InlineData("anthropic.claude-opus-4-5-20251101-v1:0", 64_000)]
    [InlineData("anthropic.claude-3-5-haiku-20241022-v1:0", 8_192)]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0", 4_096)]
    [InlineData("amazon.nova-lite-v1:0", 10_000)]
    [InlineData("us.amazon.nova-premier-v1:0", 32_000)]
    [InlineData("gpt-4o-mini", 16_384)]
    [InlineData("gpt-4.1-nano", 32_768)]
    [InlineData("o4-mini", 100_000)]
    [InlineData("model-east", ModelOutputLimits.Default)]
    [InlineData("us.meta.llama3-3-70b-instruct-v1:0", ModelOutputLimits.Default)]
    public void Knows_the_output_limit_of_each_model_family_behind_any_profile_prefix(string modelId, int expected) =>
        Assert.Equal(expected, ModelOutputLimits.For(modelId));
}

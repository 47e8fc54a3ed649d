using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Tests;

public sealed class CompletionTests
{
    [Fact]
    public void Prompt_tokens_are_a_quarter_of_the_characters_and_at_least_one_a_message()
    {
        var meter = new PromptMeter();
        meter.AddText("12345678");
        meter.AddText("9");
        meter.EndMessage();
        meter.AddText("");
        meter.EndMessage();

        Assert.Equal(3 + 1, meter.InputTokens);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(12345u)]
    [InlineData(999_999_999u)]
    public void The_text_has_exactly_the_planned_tokens_and_depends_only_on_the_seed(ulong seed)
    {
        var completion = Completion.For(seed, 4096);

        Assert.InRange(completion.OutputTokens, Completion.MinNaturalTokens, Completion.MaxNaturalTokens);
        Assert.False(completion.HitMaxTokens);
        Assert.Equal(completion.OutputTokens, PromptMeter.TokensFor(completion.Text().Length));
        Assert.Equal(completion.Text(), Completion.For(seed, 4096).Text());
        Assert.Equal(completion.Text(), string.Concat(Enumerable.Range(0, completion.Deltas).Select(i => Completion.Delta(completion.Text(), i).ToString())));
    }

    [Fact]
    public void Max_tokens_cuts_the_answer()
    {
        var completion = Completion.For(12345, 3);

        Assert.True(completion.HitMaxTokens);
        Assert.Equal(3, completion.OutputTokens);
        Assert.Equal(11, completion.Text().Length);
    }

    [Fact]
    public void Different_prompts_get_different_answers()
    {
        var first = new PromptMeter();
        first.AddText("Tell me about rivers.");
        var second = new PromptMeter();
        second.AddText("Tell me about lakes.");

        Assert.NotEqual(Completion.For(first.Seed, 500).Text(), Completion.For(second.Seed, 500).Text());
    }
}

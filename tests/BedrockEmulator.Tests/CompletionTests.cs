using CsCheck;
using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Tests;

public sealed class CompletionTests
{
    /// <summary>Every word the vocabulary has, lower case, without punctuation.</summary>
    private static readonly HashSet<string> KnownWords = Vocabulary.Themes()
        .SelectMany(theme => theme.Values)
        .SelectMany(phrases => phrases)
        .SelectMany(phrase => phrase.Split(' '))
        .Select(word => word.TrimEnd(',').ToLowerInvariant())
        .ToHashSet();

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

    [Fact]
    public void Any_answer_up_to_64000_tokens_reads_as_sentences_of_exactly_its_tokens()
    {
        Gen.Select(Gen.ULong, Gen.Int[1, 64_000]).Sample((seed, tokens) =>
        {
            var completion = new Completion(seed, tokens, false);
            var text = completion.Text();

            Assert.Equal((4 * tokens) - 1, text.Length);
            Assert.Equal(tokens, PromptMeter.TokensFor(text.Length));
            Assert.Null(Problem(text));
            Assert.Equal(text, new Completion(seed, tokens, false).Text());
            Assert.Equal(text, string.Concat(Enumerable.Range(0, completion.Deltas).Select(i => Completion.Delta(text, i).ToString())));
        }, iter: 300);
    }

    [Fact]
    public void Every_length_an_answer_can_have_is_filled_exactly_in_both_themes()
    {
        // Every length up to a few long sentences, so every rest the sized last sentences must fill is met;
        // 32 seeds pick either theme for each length.
        var buffer = new char[1200];
        for (var length = 3; length <= buffer.Length; length++)
        {
            for (var seed = 0UL; seed < 32; seed++)
            {
                var chars = buffer.AsSpan(0, length);
                chars.Fill('#');
                AnswerText.Write(chars, seed * 0x9E3779B97F4A7C15);
                var problem = Problem(chars.ToString());
                Assert.True(problem is null, $"length {length}, seed {seed}: {problem}");
            }
        }
    }

    [Fact]
    public void The_shortest_answers_are_fragments_ending_in_a_period()
    {
        Assert.Matches("^[A-Z][a-z]\\.$", new Completion(7, 1, true).Text());
        Assert.Matches("^[A-Z][a-z ]{5}\\.$", new Completion(7, 2, true).Text());
        Assert.Equal("", new Completion(7, 0, true).Text());
    }

    [Fact]
    public void Answers_of_the_same_length_vary_from_seed_to_seed()
    {
        var texts = new HashSet<string>();
        var firstWords = new HashSet<string>();
        for (var seed = 1UL; seed <= 200; seed++)
        {
            var text = new Completion(seed, 100, false).Text();
            texts.Add(text);
            firstWords.Add(text[..text.IndexOf(' ')]);
        }

        Assert.Equal(200, texts.Count);
        Assert.True(firstWords.Count >= 20, $"only {firstWords.Count} different first words");
    }

    /// <summary>
    /// What keeps <paramref name="text"/> from reading as sentences, or null: it must start with a capital,
    /// end with a period, hold only letters, single spaces, commas and periods (each right after a word and
    /// followed by a space), start each sentence with a capital and be made of whole vocabulary words.
    /// </summary>
    private static string? Problem(string text)
    {
        if (!char.IsAsciiLetterUpper(text[0]) || text[^1] != '.')
        {
            return $"does not start with a capital and end with a period: {text}";
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            var fine = c switch
            {
                ' ' => char.IsAsciiLetter(next),
                ',' => char.IsAsciiLetter(text[i - 1]) && next == ' ',
                '.' => char.IsAsciiLetter(text[i - 1]) && (next == '\0' || (next == ' ' && char.IsAsciiLetterUpper(text[i + 2]))),
                _ => char.IsAsciiLetter(c),
            };
            if (!fine)
            {
                return $"'{c}' at {i} in: {text[Math.Max(0, i - 40)..Math.Min(text.Length, i + 40)]}";
            }
        }

        foreach (var word in text.Split(' '))
        {
            if (!KnownWords.Contains(word.TrimEnd(',', '.').ToLowerInvariant()))
            {
                return $"'{word}' is not a whole word of the vocabulary";
            }
        }

        return null;
    }
}

using StackExchange.Redis;
using Switchyard.SampleApp.Chat;
using Switchyard.SampleApp.Scenarios;
using Switchyard.Tests;
using static Switchyard.SampleApp.Tests.Recorded;

namespace Switchyard.SampleApp.Tests;

/// <summary>Chat state against a real Redis-compatible server: what a page reload reads back.</summary>
[Trait("Category", "Redis")]
public sealed class ChatStoreTests(RedisTestServer redis) : IClassFixture<RedisTestServer>
{
    [Fact]
    public async Task A_session_reads_back_its_transcript_and_others_start_empty()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var store = new ChatStore(connection);
        var transcript = new ChatTranscript { Tenant = "C", ModelGroup = "consumer-c-model" };
        transcript.Turns.Add(new ChatTurn(ChatTurn.User, "hello"));
        transcript.Turns.Add(new ChatTurn(ChatTurn.Assistant, "hi there", new AnswerDetails(Served("sonnet-consumer-c", model: ReferenceNames.Sonnet45Profile, modelGroup: "consumer-c-model"), 120.5, 480, null)));

        await store.SaveAsync("session-1", transcript);
        var reloaded = await store.LoadAsync("session-1");
        var other = await store.LoadAsync("session-2");

        Assert.Equal("C", reloaded.Tenant);
        Assert.Equal("consumer-c-model", reloaded.ModelGroup);
        Assert.Equal(transcript.Turns, reloaded.Turns);
        Assert.Empty(other.Turns);
        Assert.Equal("Demo", other.Tenant);
        Assert.Equal("claude-sonnet-multi-region", other.ModelGroup);
        Assert.True(await connection.GetDatabase().KeyTimeToLiveAsync("switchyard:chat:session-1") > TimeSpan.FromHours(23));
    }
}

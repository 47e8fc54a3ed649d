using System.Text.Json;
using StackExchange.Redis;

namespace Switchyard.SampleApp.Chat;

/// <summary>Chat transcripts in Redis, one key per browser session, kept for a day after the last change.</summary>
public sealed class ChatStore(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    public async Task<ChatTranscript> LoadAsync(string sessionId)
    {
        var json = await redis.GetDatabase().StringGetAsync(Key(sessionId));
        return json.IsNullOrEmpty ? new ChatTranscript() : JsonSerializer.Deserialize((string)json!, ChatJsonContext.Default.ChatTranscript) ?? new ChatTranscript();
    }

    public Task SaveAsync(string sessionId, ChatTranscript transcript) =>
        redis.GetDatabase().StringSetAsync(Key(sessionId), JsonSerializer.Serialize(transcript, ChatJsonContext.Default.ChatTranscript), Retention);

    private static RedisKey Key(string sessionId) => $"switchyard:chat:{sessionId}";
}

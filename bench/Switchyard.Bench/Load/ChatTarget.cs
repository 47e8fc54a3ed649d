using System.Text;
using System.Text.Json;

namespace Switchyard.Bench.Load;

/// <summary>
/// Where a load goes and what it sends: a chat-completions URL, headers and a body serialised once.
/// Several URLs (Router replicas) are taken in turn.
/// </summary>
public sealed class ChatTarget
{
    private readonly byte[] body;
    private int turn = -1;

    public ChatTarget(string name, IReadOnlyList<Uri> chatUris, string model, bool stream, IReadOnlyDictionary<string, string> headers, int maxTokens = 32)
        : this(name, chatUris, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = "Say hello to the benchmark in a few words." } },
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
        }), stream, headers)
    {
    }

    /// <summary>A target sending <paramref name="body"/> as it is, to a chat-completions URL or another door's (a Messages body to /v1/messages).</summary>
    public ChatTarget(string name, IReadOnlyList<Uri> uris, byte[] body, bool stream, IReadOnlyDictionary<string, string> headers)
    {
        Name = name;
        ChatUris = uris;
        Stream = stream;
        Headers = headers;
        this.body = body;
    }

    /// <summary>The size of the body each request sends.</summary>
    public int BodyBytes => body.Length;

    public string Name { get; }

    public IReadOnlyList<Uri> ChatUris { get; }

    public bool Stream { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public static IReadOnlyDictionary<string, string> Bearer(string key, params (string Name, string Value)[] more)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key };
        foreach (var (name, value) in more)
        {
            headers[name] = value;
        }

        return headers;
    }

    public HttpRequestMessage CreateRequest()
    {
        var uri = ChatUris.Count == 1 ? ChatUris[0] : ChatUris[(int)((uint)Interlocked.Increment(ref turn) % ChatUris.Count)];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public override string ToString() => Encoding.UTF8.GetString(body);
}

using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Chat Completions against one OpenAI-compatible endpoint and model, written and read with
/// Utf8JsonWriter/Utf8JsonReader straight from and into Microsoft.Extensions.AI types: no SDK object model
/// per chunk in between. Failures come out as <see cref="ProviderException"/> (<see cref="OpenAIErrors"/>);
/// whatever ends a cancelled call passes through as it is.
/// </summary>
internal sealed class OpenAICompatibleChatClient(HttpClient http, Uri endpoint, UpstreamHttpVersion version, string? apiKey, string model, TimeProvider clock) : IChatClient
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEvents = new("text/event-stream");

    private readonly Uri _completionsUri = new(endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions");
    // An endpoint without a key (a local vLLM or Ollama) gets no Authorization header at all.
    private readonly AuthenticationHeaderValue? _authorization = apiKey is null ? null : new("Bearer", apiKey);
    private readonly ChatClientMetadata _metadata = new("openai", endpoint, model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(messages, options, stream: false, cancellationToken);
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw OpenAIErrors.ConnectionFailure(e);
        }

        try
        {
            return new ChatCompletionReader().ReadCompletion(body);
        }
        catch (Exception e) when (OpenAIErrors.IsUnreadable(e))
        {
            throw OpenAIErrors.InvalidResponse(e);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The enumerator owns the answer: disposed when the stream ends, fails or is abandoned (disposed early).
        using var response = await SendAsync(messages, options, stream: true, cancellationToken);
        var body = await ReadAsync(response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken);
        await foreach (var update in ChatCompletionStream.ReadAsync(body, cancellationToken))
        {
            yield return update;
        }
    }

    private static async Task<Stream> ReadAsync(Task<Stream> open, CancellationToken cancellationToken)
    {
        try
        {
            return await open;
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw OpenAIErrors.ConnectionFailure(e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream, CancellationToken cancellationToken)
    {
        var body = ChatCompletionRequestWriter.Write(messages, options, model, stream);
        using var request = new HttpRequestMessage(HttpMethod.Post, _completionsUri)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonMediaType } },
            Headers = { Authorization = _authorization, Accept = { stream ? AcceptEvents : AcceptJson } },
        };
        version.Apply(request);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw OpenAIErrors.ConnectionFailure(e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await OpenAIErrors.FromResponseAsync(response, clock, cancellationToken);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The HttpClient's handler is the Router's shared one, owned by the container.
    }
}

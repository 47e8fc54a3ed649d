using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Reads Chat Completions answers with <see cref="Utf8JsonReader"/> straight into Microsoft.Extensions.AI
/// types: one per answer (a whole completion, or one stream's chunks in order). It yields what the OpenAI
/// SDK adapter yielded, which the Router's doors read: each chunk's text, the role and finish reason kept
/// once seen, usage as <see cref="UsageContent"/>, and tool-call deltas assembled into
/// <see cref="FunctionCallContent"/> only when the answer is complete (<see cref="CompleteToolCalls"/>).
/// Anything that does not read as Chat Completions throws <see cref="JsonException"/>; an <c>error</c>
/// object throws the classified <see cref="ProviderException"/>.
/// </summary>
internal sealed class ChatCompletionReader
{
    private ChatRole? _role;
    private ChatFinishReason? _finishReason;
    private string? _firstId;
    private DateTimeOffset? _firstCreated;
    private string? _model;
    private string? _lastId;
    private List<ToolCallBuilder>? _toolCalls;

    /// <summary>One <c>chat.completion.chunk</c>.</summary>
    public ChatResponseUpdate ReadChunk(ReadOnlySpan<byte> json)
    {
        var contents = new List<AIContent>();
        var (id, created) = ReadObject(json, contents);
        return new ChatResponseUpdate(_role, contents)
        {
            ResponseId = id,
            // There is one message per answer: the adapter used the answer's id for it too.
            MessageId = id,
            CreatedAt = created,
            FinishReason = _finishReason,
            ModelId = _model,
        };
    }

    /// <summary>
    /// The tool calls the chunks streamed, each whole with its arguments parsed, in an update of their own;
    /// null when none came. Calls without a name are dropped, as the adapter did.
    /// </summary>
    public ChatResponseUpdate? CompleteToolCalls()
    {
        if (_toolCalls is null)
        {
            return null;
        }

        var update = new ChatResponseUpdate(_role, ToolCallContents())
        {
            ResponseId = _firstId,
            MessageId = _firstId,
            CreatedAt = _firstCreated,
            FinishReason = _finishReason,
            ModelId = _model,
        };
        return update;
    }

    /// <summary>A whole <c>chat.completion</c>.</summary>
    public ChatResponse ReadCompletion(ReadOnlySpan<byte> json)
    {
        var contents = new List<AIContent>();
        var (id, created) = ReadObject(json, contents, whole: true);
        var usage = contents.OfType<UsageContent>().FirstOrDefault()?.Details;
        contents.RemoveAll(content => content is UsageContent);
        if (_toolCalls is not null)
        {
            contents.AddRange(ToolCallContents());
        }

        return new ChatResponse(new ChatMessage(_role ?? ChatRole.Assistant, contents) { MessageId = id })
        {
            ResponseId = id,
            CreatedAt = created,
            FinishReason = _finishReason,
            ModelId = _model,
            Usage = usage,
        };
    }

    private List<AIContent> ToolCallContents()
    {
        var calls = new List<AIContent>(_toolCalls!.Count);
        foreach (var call in _toolCalls)
        {
            if (!string.IsNullOrWhiteSpace(call.Name))
            {
                calls.Add(call.ToContent());
            }
        }

        return calls;
    }

    private (string? Id, DateTimeOffset? Created) ReadObject(ReadOnlySpan<byte> json, List<AIContent> contents, bool whole = false)
    {
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        string? id = null;
        DateTimeOffset? created = null;
        var sawChoices = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = ReadReusedString(ref reader, ref _lastId);
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    created = DateTimeOffset.FromUnixTimeSeconds(ReadInt64(ref reader));
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                var model = _model;
                if (ReadReusedString(ref reader, ref model) is { } value)
                {
                    _model ??= value;
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                sawChoices = ReadChoices(ref reader, contents);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    contents.Add(new UsageContent(ReadUsage(ref reader)));
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    throw ReadError(ref reader);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("The answer has content after its object.");
        }

        if (whole && !sawChoices)
        {
            throw new JsonException("The completion has no choices.");
        }

        _firstId ??= id;
        _firstCreated ??= created;
        return (id, created);
    }

    /// <summary>The first choice (the Router asks for one); true when there was one.</summary>
    private bool ReadChoices(ref Utf8JsonReader reader, List<AIContent> contents)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        Expect(ref reader, JsonTokenType.StartArray);
        var any = false;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (any)
            {
                reader.Skip();
                continue;
            }

            any = true;
            Expect(ref reader, JsonTokenType.StartObject);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Null)
                    {
                        ReadMessage(ref reader, contents);
                    }
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    if (ReadString(ref reader) is { } reason)
                    {
                        _finishReason ??= FinishReason(reason);
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return any;
    }

    private void ReadMessage(ref Utf8JsonReader reader, List<AIContent> contents)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                if (_role is null && ReadString(ref reader) is { } role)
                {
                    _role = role switch
                    {
                        "assistant" => ChatRole.Assistant,
                        "system" => ChatRole.System,
                        "user" => ChatRole.User,
                        "tool" => ChatRole.Tool,
                        _ => new ChatRole(role),
                    };
                }
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (ReadString(ref reader) is { } text)
                {
                    contents.Add(new TextContent(text));
                }
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                ReadToolCalls(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadToolCalls(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartArray);
        var position = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            // A whole completion's calls have no index: their place in the list is theirs.
            var index = (long)position++;
            var indexRead = false;
            string? id = null;
            string? name = null;
            byte[]? early = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    index = ReadInt64(ref reader);
                    indexRead = true;
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    Expect(ref reader, JsonTokenType.StartObject);
                    while (Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            reader.Read();
                            name = ReadString(ref reader);
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            if (ReadString(ref reader, out var empty) && !empty)
                            {
                                // Endpoints put the index first, so the fragment is unescaped straight into its call.
                                if (indexRead)
                                {
                                    Call(index).AppendArguments(ref reader);
                                }
                                else
                                {
                                    early = ToolCallBuilder.Unescape(ref reader);
                                }
                            }
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            var call = Call(index);
            call.Id ??= id;
            call.Name ??= name;
            if (early is not null)
            {
                call.AppendArguments(early);
            }
        }
    }

    private ToolCallBuilder Call(long index)
    {
        _toolCalls ??= [];
        foreach (var existing in _toolCalls)
        {
            if (existing.Index == index)
            {
                return existing;
            }
        }

        var call = new ToolCallBuilder(index);
        _toolCalls.Add(call);
        return call;
    }

    private static UsageDetails ReadUsage(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var usage = new UsageDetails();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                usage.InputTokenCount = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                usage.OutputTokenCount = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                usage.TotalTokenCount = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                usage.CachedInputTokenCount = ReadDetail(ref reader, "cached_tokens"u8);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                usage.ReasoningTokenCount = ReadDetail(ref reader, "reasoning_tokens"u8);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Some endpoints leave the total out; it is the sum by definition.
        if (usage.TotalTokenCount is null && usage.InputTokenCount is { } input && usage.OutputTokenCount is { } output)
        {
            usage.TotalTokenCount = checked(input + output);
        }

        return usage;
    }

    private static long? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject);
        long? value = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadCount(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return value;
    }

    private static long? ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var count = ReadInt64(ref reader);
        return count >= 0 ? count : throw new JsonException($"A token count is negative: {count}.");
    }

    private static ProviderException ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return OpenAIErrors.FromStreamError(null, null, reader.GetString());
        }

        Expect(ref reader, JsonTokenType.StartObject);
        string? type = null, code = null, message = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = ReadScalar(ref reader);
            }
            else if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = ReadScalar(ref reader);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = ReadScalar(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return OpenAIErrors.FromStreamError(type, code, message);
    }

    /// <summary>A string, or a number's text (vLLM sends the HTTP status as the code), or null for anything else.</summary>
    private static string? ReadScalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
            default:
                reader.Skip();
                return null;
        }
    }

    private static ChatFinishReason FinishReason(string reason) => reason switch
    {
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>A string, or null for JSON null; the id and model repeat in every chunk, so the last one is reused when equal.</summary>
    private static string? ReadReusedString(ref Utf8JsonReader reader, ref string? last)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.String);
        if (last is not null && reader.ValueTextEquals(last))
        {
            return last;
        }

        return last = reader.GetString();
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.String);
        return reader.GetString();
    }

    /// <summary>Whether the token is a string (false for null), and whether it is empty.</summary>
    private static bool ReadString(ref Utf8JsonReader reader, out bool empty)
    {
        empty = reader.ValueSpan.IsEmpty;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        Expect(ref reader, JsonTokenType.String);
        return true;
    }

    private static long ReadInt64(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.Number);
        return reader.TryGetInt64(out var value) ? value : throw new JsonException("A number is not a whole number in range.");
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The answer ends in the middle of an object.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType == JsonTokenType.None)
        {
            Next(ref reader);
        }

        if (reader.TokenType != type)
        {
            throw new JsonException($"Expected {type}, got {reader.TokenType} at byte {reader.TokenStartIndex}.");
        }
    }

    /// <summary>One tool call as its deltas arrive.</summary>
    private sealed class ToolCallBuilder(long index)
    {
        private ArrayBufferWriter<byte>? _arguments;

        public long Index { get; } = index;

        public string? Id { get; set; }

        public string? Name { get; set; }

        /// <summary>Unescapes the reader's string onto the arguments so far.</summary>
        public void AppendArguments(ref Utf8JsonReader reader)
        {
            _arguments ??= new ArrayBufferWriter<byte>(reader.ValueSpan.Length);
            // Unescaped text is never longer than its escaped form.
            _arguments.Advance(reader.CopyString(_arguments.GetSpan(reader.ValueSpan.Length)));
        }

        public void AppendArguments(byte[] fragment) => (_arguments ??= new ArrayBufferWriter<byte>(fragment.Length)).Write(fragment);

        /// <summary>A fragment read before its call's index.</summary>
        public static byte[] Unescape(ref Utf8JsonReader reader)
        {
            var buffer = new byte[reader.ValueSpan.Length];
            return buffer[..reader.CopyString(buffer)];
        }

        /// <summary>
        /// The call with its arguments parsed; arguments that are not a JSON object leave it without them and with
        /// the parse error as its <see cref="FunctionCallContent.Exception"/>, as the adapter left it.
        /// </summary>
        public FunctionCallContent ToContent() =>
            Id is null
                ? throw new JsonException($"Tool call '{Name}' has no id.")
                : FunctionCallContent.CreateFromParsedArguments(_arguments?.WrittenMemory ?? ReadOnlyMemory<byte>.Empty, Id, Name!, ParseArguments);

        private static IDictionary<string, object?>? ParseArguments(ReadOnlyMemory<byte> json) =>
            JsonSerializer.Deserialize(json.Span, OpenAICompatibleJsonContext.Default.DictionaryStringObject);
    }
}

using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Switchyard.Router.Providers.OpenAICompatible;

/// <summary>
/// Writes a Chat Completions request body straight from Microsoft.Extensions.AI messages and options, into a
/// pooled buffer and then one array of the body's exact size: the request holds only that array while its
/// answer streams (thousands of open streams each hold theirs). The fields are those the OpenAI SDK
/// adapter (Microsoft.Extensions.AI.OpenAI) sent before it: <c>max_completion_tokens</c>, tool schemas
/// reduced to type, required, properties and additionalProperties (false unless the schema says), a
/// response schema made strict, image parts as data or https URLs, one tool message per result.
/// </summary>
internal static class ChatCompletionRequestWriter
{
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>What the adapter did to a response schema: OpenAI's structured outputs take only strict ones.</summary>
    private static readonly AIJsonSchemaTransformCache StrictSchemas = new(new AIJsonSchemaTransformOptions
    {
        DisallowAdditionalProperties = true,
        RequireAllProperties = true,
        MoveDefaultKeywordToDescription = true,
        ConvertBooleanSchemas = true,
    });

    private static readonly ChatRole Developer = new("developer");

    public static byte[] Write(IEnumerable<ChatMessage> messages, ChatOptions? options, string model, bool stream)
    {
        using var buffer = new PooledBufferWriter(2048);
        using var scratch = new PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(buffer, UpstreamJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("messages"u8);
            foreach (var message in messages)
            {
                WriteMessage(writer, message, scratch);
            }

            writer.WriteEndArray();
            if (options is not null)
            {
                WriteOptions(writer, options, scratch);
            }

            if (stream)
            {
                writer.WriteBoolean("stream"u8, true);
                writer.WriteStartObject("stream_options"u8);
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message, PooledBufferWriter scratch)
    {
        var role = message.Role;
        if (role == ChatRole.Tool)
        {
            // Each result is a message of its own; anything else in a tool message has no place on this wire.
            foreach (var content in message.Contents)
            {
                if (content is FunctionResultContent result)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, "tool"u8);
                    writer.WriteString("tool_call_id"u8, result.CallId);
                    WriteResult(writer, result.Result, scratch);
                    writer.WriteEndObject();
                }
            }

            return;
        }

        var assistant = role == ChatRole.Assistant;
        if (!assistant && role != ChatRole.User && role != ChatRole.System && role != Developer)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, role.Value);
        if (message.AuthorName is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        WriteContent(writer, message.Contents, omitWhenEmpty: assistant, scratch);
        if (assistant)
        {
            WriteToolCalls(writer, message.Contents, scratch);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// One text part goes as a string, several parts (or any image) as an array; none as "" (an assistant
    /// turn of tool calls only has no content at all).
    /// </summary>
    private static void WriteContent(Utf8JsonWriter writer, IList<AIContent> contents, bool omitWhenEmpty, PooledBufferWriter scratch)
    {
        var parts = 0;
        TextContent? onlyText = null;
        foreach (var content in contents)
        {
            if (IsPart(content))
            {
                parts++;
                onlyText = content as TextContent;
            }
        }

        switch (parts)
        {
            case 0 when omitWhenEmpty:
                return;
            case 0:
                writer.WriteString("content"u8, ""u8);
                return;
            case 1 when onlyText is not null:
                writer.WriteText("content"u8, onlyText.Text, scratch);
                return;
        }

        writer.WriteStartArray("content"u8);
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent text:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteText("text"u8, text.Text, scratch);
                    writer.WriteEndObject();
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    scratch.Clear();
                    WriteDataUrl(scratch, data);
                    WriteImagePart(writer, scratch.WrittenSpan, null, data);
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    WriteImagePart(writer, default, uri.Uri.AbsoluteUri, uri);
                    break;
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Text and images are sent; cache points and anything else this wire has no part for are skipped.</summary>
    private static bool IsPart(AIContent content) =>
        content is TextContent || content is DataContent data && data.HasTopLevelMediaType("image") || content is UriContent uri && uri.HasTopLevelMediaType("image");

    private static void WriteImagePart(Utf8JsonWriter writer, ReadOnlySpan<byte> dataUrl, string? url, AIContent content)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        if (url is null)
        {
            writer.WriteString("url"u8, dataUrl);
        }
        else
        {
            writer.WriteString("url"u8, url);
        }

        if (content.AdditionalProperties?.TryGetValue("detail", out var detail) == true && detail is string level)
        {
            writer.WriteString("detail"u8, level);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>data:&lt;media type&gt;;base64,&lt;data&gt;</c> in UTF-8, without a string of the whole image in between.</summary>
    private static void WriteDataUrl(PooledBufferWriter output, DataContent data)
    {
        var mediaType = data.MediaType;
        var bytes = data.Data.Span;
        var length = checked("data:".Length + Encoding.UTF8.GetMaxByteCount(mediaType.Length) + ";base64,".Length + Base64.GetMaxEncodedToUtf8Length(bytes.Length));
        var span = output.GetSpan(length);
        var written = 0;
        "data:"u8.CopyTo(span);
        written += 5;
        written += Encoding.UTF8.GetBytes(mediaType, span[written..]);
        ";base64,"u8.CopyTo(span[written..]);
        written += 8;
        Base64.EncodeToUtf8(bytes, span[written..], out _, out var encoded);
        output.Advance(written + encoded);
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, IList<AIContent> contents, PooledBufferWriter scratch)
    {
        var started = false;
        foreach (var content in contents)
        {
            if (content is not FunctionCallContent call)
            {
                continue;
            }

            if (!started)
            {
                writer.WriteStartArray("tool_calls"u8);
                started = true;
            }

            writer.WriteStartObject();
            writer.WriteString("id"u8, call.CallId);
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, call.Name);
            // Arguments travel as a JSON object in a string; a call without any has an empty object.
            scratch.Clear();
            using (var arguments = new Utf8JsonWriter(scratch, UpstreamJson.WriterOptions))
            {
                JsonSerializer.Serialize(arguments, call.Arguments ?? EmptyArguments, CompactJson.GetTypeInfo(typeof(IDictionary<string, object?>)));
            }

            writer.WriteString("arguments"u8, scratch.WrittenSpan);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (started)
        {
            writer.WriteEndArray();
        }
    }

    private static readonly IDictionary<string, object?> EmptyArguments = new Dictionary<string, object?>();

    /// <summary>A result as text: a string as it is, anything else (a list of contents from an Anthropic client) as JSON, null as "".</summary>
    private static void WriteResult(Utf8JsonWriter writer, object? result, PooledBufferWriter scratch)
    {
        switch (result)
        {
            case null:
                writer.WriteString("content"u8, ""u8);
                break;
            case string text:
                writer.WriteText("content"u8, text, scratch);
                break;
            default:
                scratch.Clear();
                using (var json = new Utf8JsonWriter(scratch, UpstreamJson.WriterOptions))
                {
                    JsonSerializer.Serialize(json, result, CompactJson.GetTypeInfo(typeof(object)));
                }

                writer.WriteString("content"u8, scratch.WrittenSpan);
                break;
        }
    }

    private static void WriteOptions(Utf8JsonWriter writer, ChatOptions options, PooledBufferWriter scratch)
    {
        if (options.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        // What the adapter sent and every endpoint the Router serves takes (max_tokens is deprecated by OpenAI for it).
        if (options.MaxOutputTokens is { } maxTokens)
        {
            writer.WriteNumber("max_completion_tokens"u8, maxTokens);
        }

        if (options.FrequencyPenalty is { } frequencyPenalty)
        {
            writer.WriteNumber("frequency_penalty"u8, frequencyPenalty);
        }

        if (options.PresencePenalty is { } presencePenalty)
        {
            writer.WriteNumber("presence_penalty"u8, presencePenalty);
        }

        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (options.StopSequences is { Count: > 0 } stops)
        {
            writer.WriteStartArray("stop"u8);
            foreach (var stop in stops)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        WriteResponseFormat(writer, options.ResponseFormat);
        WriteTools(writer, options, scratch);
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ChatResponseFormat? format)
    {
        switch (format)
        {
            case ChatResponseFormatText:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "text"u8);
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson json when StrictSchemas.GetOrCreateTransformedSchema(json) is { } schema:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_schema"u8);
                writer.WriteStartObject("json_schema"u8);
                writer.WriteString("name"u8, json.SchemaName ?? "json_schema");
                if (json.SchemaDescription is { } description)
                {
                    writer.WriteString("description"u8, description);
                }

                writer.WritePropertyName("schema"u8);
                schema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_object"u8);
                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteTools(Utf8JsonWriter writer, ChatOptions options, PooledBufferWriter scratch)
    {
        if (options.Tools is not { Count: > 0 } tools)
        {
            return;
        }

        var any = false;
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                continue;
            }

            if (!any)
            {
                writer.WriteStartArray("tools"u8);
                any = true;
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, function.Name);
            writer.WriteText("description"u8, function.Description ?? "", scratch);
            writer.WritePropertyName("parameters"u8);
            WriteParameters(writer, function.JsonSchema);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (!any)
        {
            return;
        }

        writer.WriteEndArray();
        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } required }:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, required);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case RequiredChatToolMode:
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
            default:
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
        }

        if (options.AllowMultipleToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    /// <summary>
    /// A function's parameter schema as the adapter sent it: an object schema's type, required (each name
    /// once), properties and additionalProperties always present, the schema's other keywords kept.
    /// </summary>
    private static void WriteParameters(Utf8JsonWriter writer, JsonElement schema)
    {
        writer.WriteStartObject();
        var isObject = schema.ValueKind == JsonValueKind.Object;
        if (isObject && schema.TryGetProperty("type"u8, out var type))
        {
            writer.WritePropertyName("type"u8);
            type.WriteTo(writer);
        }
        else
        {
            writer.WriteString("type"u8, "object"u8);
        }

        writer.WriteStartArray("required"u8);
        if (isObject && schema.TryGetProperty("required"u8, out var required) && required.ValueKind == JsonValueKind.Array)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && seen.Add(name.GetString()!))
                {
                    name.WriteTo(writer);
                }
            }
        }

        writer.WriteEndArray();
        writer.WritePropertyName("properties"u8);
        if (isObject && schema.TryGetProperty("properties"u8, out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            properties.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }

        writer.WritePropertyName("additionalProperties"u8);
        if (isObject && schema.TryGetProperty("additionalProperties"u8, out var additional) && additional.ValueKind != JsonValueKind.Null)
        {
            additional.WriteTo(writer);
        }
        else
        {
            writer.WriteBooleanValue(false);
        }

        if (isObject)
        {
            foreach (var keyword in schema.EnumerateObject())
            {
                if (!keyword.NameEquals("type"u8) && !keyword.NameEquals("required"u8) && !keyword.NameEquals("properties"u8) && !keyword.NameEquals("additionalProperties"u8))
                {
                    keyword.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }
}

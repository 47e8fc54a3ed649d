using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Logs.Insights;

namespace Switchyard.BedrockEmulator.Logs;

/// <summary>
/// One successful invocation as Bedrock's model invocation logging writes it to CloudWatch Logs in the
/// Region called, with the fields Logs Insights discovers in it (JSON members flattened with dots).
/// </summary>
internal sealed class ModelInvocationEvent : IQueryRow
{
    public const string LogStream = "aws/bedrock/modelinvocations";

    /// <summary>The fields every event has, and their types, for the query parser.</summary>
    public static readonly FrozenDictionary<string, QueryType> Fields = new Dictionary<string, QueryType>
    {
        ["@timestamp"] = QueryType.Timestamp,
        ["@message"] = QueryType.String,
        ["@log"] = QueryType.String,
        ["@logStream"] = QueryType.String,
        ["schemaType"] = QueryType.String,
        ["schemaVersion"] = QueryType.String,
        ["timestamp"] = QueryType.String,
        ["accountId"] = QueryType.String,
        ["region"] = QueryType.String,
        ["requestId"] = QueryType.String,
        ["operation"] = QueryType.String,
        ["modelId"] = QueryType.String,
        ["input.inputTokenCount"] = QueryType.Number,
        ["output.outputTokenCount"] = QueryType.Number,
        ["inferenceRegion"] = QueryType.String,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ProfileIds = ModelCatalog.Profiles.Select(p => p.Id).ToFrozenSet(StringComparer.Ordinal);

    private readonly DateTimeOffset _time;
    private readonly ModelInvocationLogEntry _entry;
    private readonly byte[] _message;
    private readonly string _log;

    private ModelInvocationEvent(DateTimeOffset time, ModelInvocationLogEntry entry, string logGroupName)
    {
        _time = time;
        _entry = entry;
        _message = JsonSerializer.SerializeToUtf8Bytes(entry, LogsJsonContext.Default.ModelInvocationLogEntry);
        _log = $"{entry.AccountId}:{logGroupName}";
    }

    /// <summary>Size of <c>@message</c>, what a query scans.</summary>
    public int MessageBytes => _message.Length;

    /// <summary>The event of an invocation log record, or null for one Bedrock would not log (failed, or not a Bedrock Runtime call).</summary>
    public static ModelInvocationEvent? From(InvocationRecord record, string accountId, string logGroupName)
    {
        if (record.Outcome != "success" || Operation(record.Api) is not { } operation)
        {
            return null;
        }

        return new ModelInvocationEvent(record.Time, new ModelInvocationLogEntry(
            "ModelInvocationLog", "1.0",
            record.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            accountId, record.SourceRegion, record.RequestId, operation, ModelId(record, accountId),
            new ModelInvocationInput(record.InputTokens), new ModelInvocationOutput(record.OutputTokens), record.Region), logGroupName);
    }

    public QueryValue Get(string field) => field switch
    {
        "@timestamp" => QueryValue.FromTimestamp(_time),
        "@message" => QueryValue.FromString(Encoding.UTF8.GetString(_message)),
        "@log" => QueryValue.FromString(_log),
        "@logStream" => QueryValue.FromString(LogStream),
        "schemaType" => QueryValue.FromString(_entry.SchemaType),
        "schemaVersion" => QueryValue.FromString(_entry.SchemaVersion),
        "timestamp" => QueryValue.FromString(_entry.Timestamp),
        "accountId" => QueryValue.FromString(_entry.AccountId),
        "region" => QueryValue.FromString(_entry.Region),
        "requestId" => QueryValue.FromString(_entry.RequestId),
        "operation" => QueryValue.FromString(_entry.Operation),
        "modelId" => QueryValue.FromString(_entry.ModelId),
        "input.inputTokenCount" => QueryValue.FromNumber(_entry.Input.InputTokenCount),
        "output.outputTokenCount" => QueryValue.FromNumber(_entry.Output.OutputTokenCount),
        "inferenceRegion" => QueryValue.FromString(_entry.InferenceRegion),
        _ => QueryValue.Null,
    };

    /// <summary>The Bedrock Runtime operation of an invocation log api name.</summary>
    private static string? Operation(string api) => api switch
    {
        "converse" => "Converse",
        "converse-stream" => "ConverseStream",
        "invoke" => "InvokeModel",
        "invoke-with-response-stream" => "InvokeModelWithResponseStream",
        _ => null,
    };

    /// <summary>Bedrock logs a call through an inference profile with the profile's ARN in the Region called, else the model id.</summary>
    private static string ModelId(InvocationRecord record, string accountId) =>
        ProfileIds.Contains(record.RequestedModel)
            ? $"arn:aws:bedrock:{record.SourceRegion}:{accountId}:inference-profile/{record.RequestedModel}"
            : record.ModelId ?? record.RequestedModel;
}

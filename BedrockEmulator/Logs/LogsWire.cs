using System.Text.Json.Serialization;

namespace Switchyard.BedrockEmulator.Logs;

// CloudWatch Logs requests and answers (awsJson1_1), as in the service model; members camelCase.

internal sealed record DescribeLogGroupsRequest(string? LogGroupNamePrefix, string? LogGroupNamePattern, string? NextToken, int? Limit);

internal sealed record DescribeLogGroupsResponse(IReadOnlyList<LogGroupDescription> LogGroups, string? NextToken);

internal sealed record LogGroupDescription(string LogGroupName, long CreationTime, int MetricFilterCount, string Arn);

internal sealed record StartQueryRequest(
    string? LogGroupName, IReadOnlyList<string>? LogGroupNames, IReadOnlyList<string>? LogGroupIdentifiers,
    long? StartTime, long? EndTime, string? QueryString, int? Limit);

internal sealed record StartQueryResponse(string QueryId);

internal sealed record DescribeQueriesRequest(string? LogGroupName, string? Status, int? MaxResults, string? NextToken);

internal sealed record DescribeQueriesResponse(IReadOnlyList<QueryInfo> Queries, string? NextToken);

internal sealed record QueryInfo(string QueryId, string QueryString, string Status, long CreateTime, string LogGroupName);

internal sealed record QueryIdRequest(string? QueryId);

internal sealed record GetQueryResultsResponse(IReadOnlyList<IReadOnlyList<ResultField>> Results, QueryStatistics Statistics, string Status);

internal sealed record ResultField(string Field, string Value);

internal sealed record QueryStatistics(double RecordsMatched, double RecordsScanned, double BytesScanned);

internal sealed record StopQueryResponse(bool Success);

/// <summary>An error: <c>__type</c> names the exception; MalformedQueryException also says where the query went wrong.</summary>
internal sealed record LogsErrorBody([property: JsonPropertyName("__type")] string Type, string Message, QueryCompileError? QueryCompileError);

internal sealed record QueryCompileError(QueryCompileErrorLocation Location, string Message);

internal sealed record QueryCompileErrorLocation(int StartCharOffset, int EndCharOffset);

/// <summary>A record of Bedrock's model invocation log, as its <c>@message</c> holds it.</summary>
internal sealed record ModelInvocationLogEntry(
    string SchemaType, string SchemaVersion, string Timestamp, string AccountId, string Region, string RequestId, string Operation, string ModelId,
    ModelInvocationInput Input, ModelInvocationOutput Output, string InferenceRegion);

internal sealed record ModelInvocationInput(int InputTokenCount);

internal sealed record ModelInvocationOutput(int OutputTokenCount);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DescribeLogGroupsRequest))]
[JsonSerializable(typeof(DescribeLogGroupsResponse))]
[JsonSerializable(typeof(StartQueryRequest))]
[JsonSerializable(typeof(StartQueryResponse))]
[JsonSerializable(typeof(DescribeQueriesRequest))]
[JsonSerializable(typeof(DescribeQueriesResponse))]
[JsonSerializable(typeof(QueryIdRequest))]
[JsonSerializable(typeof(GetQueryResultsResponse))]
[JsonSerializable(typeof(StopQueryResponse))]
[JsonSerializable(typeof(LogsErrorBody))]
[JsonSerializable(typeof(ModelInvocationLogEntry))]
internal sealed partial class LogsJsonContext : JsonSerializerContext;

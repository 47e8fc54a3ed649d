using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Switchyard.BedrockEmulator.Auth;
using Switchyard.BedrockEmulator.Invocations;
using Switchyard.BedrockEmulator.Logs.Insights;
using Switchyard.BedrockEmulator.Wire;
using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Logs;

/// <summary>
/// CloudWatch Logs (awsJson1_1: <c>POST /</c>, <c>X-Amz-Target: Logs_20140328.&lt;Op&gt;</c>, SigV4 signing
/// name <c>logs</c>) on a Region endpoint: the model invocation log group and Logs Insights queries over the
/// emulator's invocation log, as Bedrock's model invocation logging would have delivered it.
/// </summary>
internal sealed class LogsHandler(SigV4Verifier verifier, InvocationLog log, InsightsQueryStore queries, TimeProvider time)
{
    public const string SigningName = "logs";
    public const string TargetPrefix = "Logs_20140328.";

    private const int MaxLogGroups = 50;
    private const int DefaultQueryLimit = 1000;
    private const int MaxDescribedQueries = 1000;
    private const int MaxQueryStringLength = 10_000;

    /// <summary>The greatest epoch second a timestamp can have.</summary>
    private static readonly long MaxEpochSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static readonly string[] QueryStatuses = ["Scheduled", "Running", "Complete", "Failed", "Cancelled", "Timeout", "Unknown"];

    /// <summary>The model invocation log groups exist from the emulator's start.</summary>
    private readonly DateTimeOffset _logGroupsCreated = time.GetUtcNow();

    public ServiceResponse Handle(HttpContext context, EmulatedRegion region, ReadOnlySpan<byte> body)
    {
        var requestId = Guid.NewGuid().ToString();
        if (!verifier.TryVerify(context, region.Name, SigningName, body, out var caller, out var authError))
        {
            return LogsError.FromAuth(authError).ToResponse(requestId);
        }

        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : "";
        try
        {
            return operation switch
            {
                "DescribeLogGroups" => Answer(DescribeLogGroups(Read(body, LogsJsonContext.Default.DescribeLogGroupsRequest), caller, region), LogsJsonContext.Default.DescribeLogGroupsResponse, requestId),
                "StartQuery" => Answer(StartQuery(Read(body, LogsJsonContext.Default.StartQueryRequest), caller, region), LogsJsonContext.Default.StartQueryResponse, requestId),
                "DescribeQueries" => Answer(DescribeQueries(Read(body, LogsJsonContext.Default.DescribeQueriesRequest), caller, region), LogsJsonContext.Default.DescribeQueriesResponse, requestId),
                "GetQueryResults" => Answer(GetQueryResults(Read(body, LogsJsonContext.Default.QueryIdRequest), caller, region), LogsJsonContext.Default.GetQueryResultsResponse, requestId),
                "StopQuery" => Answer(StopQuery(Read(body, LogsJsonContext.Default.QueryIdRequest), caller, region), LogsJsonContext.Default.StopQueryResponse, requestId),
                _ => throw new LogsError("UnknownOperationException",
                    $"Unknown operation '{target}': the emulator's CloudWatch Logs serves DescribeLogGroups, StartQuery, DescribeQueries, GetQueryResults and StopQuery."),
            };
        }
        catch (LogsError error)
        {
            return error.ToResponse(requestId);
        }
    }

    private DescribeLogGroupsResponse DescribeLogGroups(DescribeLogGroupsRequest request, AwsCaller caller, EmulatedRegion region)
    {
        var limit = request.Limit ?? MaxLogGroups;
        if (limit is < 1 or > MaxLogGroups)
        {
            throw LogsError.InvalidParameter($"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {MaxLogGroups}");
        }

        if (request.LogGroupNamePrefix is not null && request.LogGroupNamePattern is not null)
        {
            throw LogsError.InvalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }

        LogGroupDescription[] groups = [new(ModelInvocationLogGroup.Name, _logGroupsCreated.ToUnixTimeMilliseconds(), 0, ModelInvocationLogGroup.Arn(region.Name, caller.Account.AccountId))];
        var matching = groups
            .Where(g => request.LogGroupNamePrefix is not { } prefix || g.LogGroupName.StartsWith(prefix, StringComparison.Ordinal))
            .Where(g => request.LogGroupNamePattern is not { } pattern || g.LogGroupName.Contains(pattern, StringComparison.Ordinal))
            .OrderBy(g => g.LogGroupName, StringComparer.Ordinal)
            .ToList();
        var (page, next) = Page(matching, request.NextToken, limit);
        return new DescribeLogGroupsResponse(page, next);
    }

    private StartQueryResponse StartQuery(StartQueryRequest request, AwsCaller caller, EmulatedRegion region)
    {
        var logGroups = LogGroupsOf(request, caller, region);
        if (request.QueryString is not { } queryString || request.StartTime is not { } startTime || request.EndTime is not { } endTime)
        {
            throw LogsError.InvalidParameter("StartQuery needs queryString, startTime and endTime.");
        }

        if (queryString.Length > MaxQueryStringLength)
        {
            throw LogsError.InvalidParameter($"The query string is longer than {MaxQueryStringLength} characters.");
        }

        if (startTime is < 0 || endTime > MaxEpochSeconds)
        {
            throw LogsError.InvalidParameter($"startTime and endTime are epoch seconds from 0 to {MaxEpochSeconds}.");
        }

        if (endTime < startTime)
        {
            throw LogsError.InvalidParameter("End time should not be before the start time.");
        }

        var limit = request.Limit ?? DefaultQueryLimit;
        if (limit is < 1 or > QueryParser.MaxLimit)
        {
            throw LogsError.InvalidParameter($"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {QueryParser.MaxLimit}");
        }

        InsightsQuery query;
        try
        {
            query = QueryParser.Parse(queryString, ModelInvocationEvent.Fields);
        }
        catch (MalformedQueryException e)
        {
            throw LogsError.MalformedQuery(e);
        }

        var events = Events(caller, region, DateTimeOffset.FromUnixTimeSeconds(startTime), endTime);
        var result = QueryEvaluator.Run(query, events, limit);
        var run = new InsightsQueryRun(Guid.NewGuid().ToString(), caller.Account.Name, region.Name, queryString, logGroups, time.GetUtcNow(),
            result, events.Count, events.Sum(e => (long)e.MessageBytes));
        queries.Add(run);
        return new StartQueryResponse(run.QueryId);
    }

    private DescribeQueriesResponse DescribeQueries(DescribeQueriesRequest request, AwsCaller caller, EmulatedRegion region)
    {
        if (request.Status is { } status && !QueryStatuses.Contains(status))
        {
            throw LogsError.InvalidParameter($"1 validation error detected: Value '{status}' at 'status' failed to satisfy enum value set: [{string.Join(", ", QueryStatuses)}]");
        }

        var max = request.MaxResults ?? MaxDescribedQueries;
        if (max is < 1 or > MaxDescribedQueries)
        {
            throw LogsError.InvalidParameter($"1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and {MaxDescribedQueries}");
        }

        var matching = queries.List(caller.Account.Name, region.Name)
            .Where(q => request.LogGroupName is null || q.LogGroupNames.Contains(request.LogGroupName))
            .Where(q => request.Status is null || q.Status == request.Status)
            .Select(q => new QueryInfo(q.QueryId, q.QueryString, q.Status, q.CreateTime.ToUnixTimeMilliseconds(), q.LogGroupNames[0]))
            .ToList();
        var (page, next) = Page(matching, request.NextToken, max);
        return new DescribeQueriesResponse(page, next);
    }

    private GetQueryResultsResponse GetQueryResults(QueryIdRequest request, AwsCaller caller, EmulatedRegion region)
    {
        var query = Find(request, caller, region);
        return new GetQueryResultsResponse(
            [.. query.Result.Rows.Select(row => (IReadOnlyList<ResultField>)[.. row.Select(cell => new ResultField(cell.Field, cell.Value))])],
            new QueryStatistics(query.Result.RecordsMatched, query.RecordsScanned, query.BytesScanned),
            query.Status);
    }

    /// <summary>Every query has run to completion when StartQuery answers, so there is never one to stop: AWS answers that it is not running.</summary>
    private StopQueryResponse StopQuery(QueryIdRequest request, AwsCaller caller, EmulatedRegion region)
    {
        var query = Find(request, caller, region);
        throw LogsError.InvalidParameter($"Query {query.QueryId} is not running: it has already ended with status {query.Status}.");
    }

    private InsightsQueryRun Find(QueryIdRequest request, AwsCaller caller, EmulatedRegion region)
    {
        if (string.IsNullOrEmpty(request.QueryId))
        {
            throw LogsError.InvalidParameter("1 validation error detected: Value null at 'queryId' failed to satisfy constraint: Member must not be null");
        }

        return queries.Find(request.QueryId, caller.Account.Name, region.Name)
            ?? throw LogsError.ResourceNotFound($"Query {request.QueryId} does not exist.");
    }

    /// <summary>Exactly one of logGroupName, logGroupNames and logGroupIdentifiers, each naming a log group of the caller's account here.</summary>
    private static List<string> LogGroupsOf(StartQueryRequest request, AwsCaller caller, EmulatedRegion region)
    {
        var given = new[] { request.LogGroupName is null ? null : new[] { request.LogGroupName }, request.LogGroupNames, request.LogGroupIdentifiers }
            .Where(g => g is not null).ToList();
        if (given.Count != 1 || given[0]!.Count == 0 || given[0]!.Count > MaxLogGroups)
        {
            throw LogsError.InvalidParameter($"A StartQuery operation must include exactly one of logGroupName, logGroupNames or logGroupIdentifiers, with 1 to {MaxLogGroups} log groups.");
        }

        foreach (var identifier in given[0]!)
        {
            if (identifier.StartsWith("arn:", StringComparison.Ordinal) && identifier.EndsWith(":*", StringComparison.Ordinal))
            {
                throw LogsError.InvalidParameter($"The log group ARN '{identifier}' must not end with ':*'.");
            }

            if (!ModelInvocationLogGroup.IsIdentifiedBy(identifier, region.Name, caller.Account.AccountId))
            {
                throw LogsError.ResourceNotFound($"Log group '{identifier}' does not exist for account ID '{caller.Account.AccountId}'.");
            }
        }

        return [ModelInvocationLogGroup.Name];
    }

    /// <summary>
    /// The caller's successful invocations called in this Region (Bedrock logs a cross-Region call where it
    /// was made) from <paramref name="start"/> to the end of second <paramref name="endTime"/> (both inclusive), newest first.
    /// </summary>
    private List<ModelInvocationEvent> Events(AwsCaller caller, EmulatedRegion region, DateTimeOffset start, long endTime)
    {
        var end = endTime == MaxEpochSeconds ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(checked(endTime + 1));
        var records = log.Query(new InvocationQuery(start, caller.Account.Name, null, null, int.MaxValue));
        var events = new List<ModelInvocationEvent>();
        for (var i = records.Count - 1; i >= 0; i--)
        {
            var record = records[i];
            if (record.SourceRegion == region.Name && record.Time < end
                && ModelInvocationEvent.From(record, caller.Account.AccountId, ModelInvocationLogGroup.Name) is { } logged)
            {
                events.Add(logged);
            }
        }

        return events;
    }

    /// <summary>A page of <paramref name="items"/> from the offset a previous page's token names.</summary>
    private static (List<T> Page, string? NextToken) Page<T>(List<T> items, string? nextToken, int size)
    {
        var offset = 0;
        if (nextToken is not null && (!int.TryParse(nextToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > items.Count))
        {
            throw LogsError.InvalidParameter("The specified nextToken is invalid.");
        }

        var end = offset + Math.Min(items.Count - offset, size);
        return (items[offset..end], end < items.Count ? end.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The request as JSON; an empty body is an empty object, as the SDKs send for no members.</summary>
    private static T Read<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body.IsEmpty ? "{}"u8 : body, type)
                ?? throw new LogsError("SerializationException", "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new LogsError("SerializationException", $"The request body is not valid JSON for this operation: {e.Message}");
        }
    }

    private static ServiceResponse Answer<T>(T response, JsonTypeInfo<T> type, string requestId) =>
        new(StatusCodes.Status200OK, LogsError.ContentType, JsonSerializer.SerializeToUtf8Bytes(response, type), requestId);
}

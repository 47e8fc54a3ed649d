using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Switchyard.BedrockEmulator.Tests.AwsCalls;
using static Switchyard.BedrockEmulator.Tests.BedrockCalls;

namespace Switchyard.BedrockEmulator.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class CloudWatchLogsApiTests(EmulatorHost host) : EmulatorTest(host)
{
    private const string Profile = "us." + Sonnet;
    private const string SampleQuery =
        "filter modelId like /inference-profile\\/us.anthropic.claude-sonnet-4-6/ and toMillis(@timestamp) >= {0} | stats count(*) as invocationCount by inferenceRegion | sort inferenceRegion";

    [Fact]
    public async Task The_sample_query_counts_the_profile_invocations_called_here_by_serving_Region()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await InvokeMixAsync();
        using var logs = Client(Host, "logs");

        var results = await RunAsync(logs, string.Format(CultureInfo.InvariantCulture, SampleQuery, start.ToUnixTimeMilliseconds()), start);

        // The oracle: the admin invocation log, as the emulator recorded every call.
        var expected = (await AdminInvocationsAsync())
            .Where(i => i.Account == "primary" && i.SourceRegion == "us-east-1" && i.Outcome == "success" && i.RequestedModel == Profile)
            .GroupBy(i => i.Region).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new[] { $"inferenceRegion={g.Key}", $"invocationCount={g.Count()}" }).ToList();
        Assert.Equal(7, expected.Sum(row => int.Parse(row[1].Split('=')[1], CultureInfo.InvariantCulture)));
        Assert.Equal("Complete", results.GetProperty("status").GetString());
        Assert.Equal(expected, Rows(results));
        var statistics = results.GetProperty("statistics");
        Assert.Equal(7, statistics.GetProperty("recordsMatched").GetDouble());
        Assert.Equal(8, statistics.GetProperty("recordsScanned").GetDouble());
        Assert.True(statistics.GetProperty("bytesScanned").GetDouble() > 8 * 200);
    }

    [Fact]
    public async Task Events_have_the_shape_of_Bedrock_model_invocation_logs()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await InvokeMixAsync();
        using var logs = Client(Host, "logs");

        var results = await RunAsync(logs,
            "fields @timestamp, requestId, operation, modelId, region, inferenceRegion, accountId, input.inputTokenCount, output.outputTokenCount, @message | sort @timestamp asc",
            start);

        var logged = (await AdminInvocationsAsync()).Where(i => i.Account == "primary" && i.SourceRegion == "us-east-1" && i.Outcome == "success").ToList();
        var rows = results.GetProperty("results").EnumerateArray().Select(row => row.EnumerateArray()
            .ToDictionary(cell => cell.GetProperty("field").GetString()!, cell => cell.GetProperty("value").GetString()!)).ToList();
        Assert.Equal(logged.Select(i => i.RequestId), rows.Select(r => r["requestId"]));
        foreach (var (row, invocation) in rows.Zip(logged))
        {
            Assert.Equal(invocation.Api == "converse-stream" ? "ConverseStream" : "Converse", row["operation"]);
            Assert.Equal(invocation.RequestedModel == Profile ? $"arn:aws:bedrock:us-east-1:111111111111:inference-profile/{Profile}" : invocation.ModelId, row["modelId"]);
            Assert.Equal("us-east-1", row["region"]);
            Assert.Equal(invocation.Region, row["inferenceRegion"]);
            Assert.Equal("111111111111", row["accountId"]);
            Assert.Equal(invocation.InputTokens.ToString(CultureInfo.InvariantCulture), row["input.inputTokenCount"]);
            Assert.Equal(invocation.OutputTokens.ToString(CultureInfo.InvariantCulture), row["output.outputTokenCount"]);
            Assert.Equal(invocation.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), row["@timestamp"]);

            var message = JsonDocument.Parse(row["@message"]).RootElement;
            Assert.Equal("ModelInvocationLog", message.GetProperty("schemaType").GetString());
            Assert.Equal(row["modelId"], message.GetProperty("modelId").GetString());
            Assert.Equal(row["requestId"], message.GetProperty("requestId").GetString());
            Assert.Equal(invocation.InputTokens, message.GetProperty("input").GetProperty("inputTokenCount").GetInt32());
            Assert.Equal(invocation.OutputTokens, message.GetProperty("output").GetProperty("outputTokenCount").GetInt32());
            Assert.Equal(invocation.Region, message.GetProperty("inferenceRegion").GetString());
            Assert.Equal(invocation.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), message.GetProperty("timestamp").GetString());
        }
    }

    [Fact]
    public async Task Only_the_time_range_in_whole_seconds_is_queried_and_limit_caps_the_rows()
    {
        await InvokeMixAsync();
        using var logs = Client(Host, "logs");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var later = await RunAsync(logs, "fields requestId", DateTimeOffset.FromUnixTimeSeconds(now + 60), DateTimeOffset.FromUnixTimeSeconds(now + 120));
        var earlier = await RunAsync(logs, "fields requestId", DateTimeOffset.FromUnixTimeSeconds(now - 120), DateTimeOffset.FromUnixTimeSeconds(now - 60));
        var limited = await RunAsync(logs, "fields requestId", DateTimeOffset.FromUnixTimeSeconds(now - 60), DateTimeOffset.FromUnixTimeSeconds(now), limit: 3);

        Assert.Empty(later.GetProperty("results").EnumerateArray());
        Assert.Empty(earlier.GetProperty("results").EnumerateArray());
        Assert.Equal(3, limited.GetProperty("results").GetArrayLength());
        Assert.Equal(8, limited.GetProperty("statistics").GetProperty("recordsMatched").GetDouble());
    }

    [Fact]
    public async Task DescribeLogGroups_lists_the_model_invocation_log_group_with_prefix_pattern_and_limit()
    {
        using var logs = Client(Host, "logs", Secondary, "us-west-2");

        var all = await LogsOkAsync(await LogsAsync(logs, "DescribeLogGroups", new { limit = 1 }));
        var group = Assert.Single(all.GetProperty("logGroups").EnumerateArray());
        Assert.Equal("BedrockModelInvocation", group.GetProperty("logGroupName").GetString());
        Assert.Equal("arn:aws:logs:us-west-2:222222222222:log-group:BedrockModelInvocation:*", group.GetProperty("arn").GetString());
        Assert.InRange(group.GetProperty("creationTime").GetInt64(), 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.False(all.TryGetProperty("nextToken", out _));

        Assert.Single((await LogsOkAsync(await LogsAsync(logs, "DescribeLogGroups", new { logGroupNamePrefix = "Bedrock" }))).GetProperty("logGroups").EnumerateArray());
        Assert.Empty((await LogsOkAsync(await LogsAsync(logs, "DescribeLogGroups", new { logGroupNamePrefix = "aws/" }))).GetProperty("logGroups").EnumerateArray());
        Assert.Single((await LogsOkAsync(await LogsAsync(logs, "DescribeLogGroups", new { logGroupNamePattern = "Invocation" }))).GetProperty("logGroups").EnumerateArray());
        Assert.Empty((await LogsOkAsync(await LogsAsync(logs, "DescribeLogGroups", new { logGroupNamePattern = "invocation" }))).GetProperty("logGroups").EnumerateArray());
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "DescribeLogGroups", new { limit = 51 })));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "DescribeLogGroups", new { logGroupNamePrefix = "B", logGroupNamePattern = "M" })));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "DescribeLogGroups", new { nextToken = "elsewhere" })));
    }

    [Fact]
    public async Task Queries_are_Complete_in_DescribeQueries_and_belong_to_their_account_and_Region()
    {
        using var logs = Client(Host, "logs");
        var now = DateTimeOffset.UtcNow;
        var queryId = await StartAsync(logs, "stats count(*)", now.AddMinutes(-1), now);

        var described = await LogsOkAsync(await LogsAsync(logs, "DescribeQueries", new { logGroupName = "BedrockModelInvocation" }));
        var query = Assert.Single(described.GetProperty("queries").EnumerateArray(), q => q.GetProperty("queryId").GetString() == queryId);
        Assert.Equal("Complete", query.GetProperty("status").GetString());
        Assert.Equal("stats count(*)", query.GetProperty("queryString").GetString());
        Assert.Equal("BedrockModelInvocation", query.GetProperty("logGroupName").GetString());
        Assert.InRange(query.GetProperty("createTime").GetInt64(), now.AddSeconds(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.DoesNotContain((await LogsOkAsync(await LogsAsync(logs, "DescribeQueries", new { status = "Running" }))).GetProperty("queries").EnumerateArray(),
            q => q.GetProperty("queryId").GetString() == queryId);
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "DescribeQueries", new { status = "Done" })));

        var results = await LogsOkAsync(await LogsAsync(logs, "GetQueryResults", new { queryId }));
        Assert.Equal([["count(*)=0"]], Rows(results));

        using var otherAccount = Client(Host, "logs", Secondary);
        using var otherRegion = Client(Host, "logs", region: "us-east-2");
        Assert.Equal("ResourceNotFoundException", await LogsErrorTypeAsync(await LogsAsync(otherAccount, "GetQueryResults", new { queryId })));
        Assert.Equal("ResourceNotFoundException", await LogsErrorTypeAsync(await LogsAsync(otherRegion, "GetQueryResults", new { queryId })));
        Assert.DoesNotContain((await LogsOkAsync(await LogsAsync(otherAccount, "DescribeQueries", new { }))).GetProperty("queries").EnumerateArray(),
            q => q.GetProperty("queryId").GetString() == queryId);
    }

    [Fact]
    public async Task StopQuery_answers_that_a_finished_query_is_not_running()
    {
        using var logs = Client(Host, "logs");
        var queryId = await StartAsync(logs, "fields requestId", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        using var stop = await LogsAsync(logs, "StopQuery", new { queryId });
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(stop));
        Assert.Equal("ResourceNotFoundException", await LogsErrorTypeAsync(await LogsAsync(logs, "StopQuery", new { queryId = Guid.NewGuid().ToString() })));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "GetQueryResults", new { })));
    }

    [Fact]
    public async Task A_query_outside_the_subset_is_MalformedQueryException_with_its_location()
    {
        using var logs = Client(Host, "logs");
        const string query = "fields requestId | parse @message \"*\" as x";

        using var response = await LogsAsync(logs, "StartQuery", new { logGroupName = "BedrockModelInvocation", startTime = 0, endTime = 1, queryString = query });

        Assert.Equal("MalformedQueryException", await LogsErrorTypeAsync(response));
        var compileError = (await LogsJsonAsync(response)).GetProperty("queryCompileError");
        var location = compileError.GetProperty("location");
        Assert.Equal("parse", query[location.GetProperty("startCharOffset").GetInt32()..location.GetProperty("endCharOffset").GetInt32()]);
        Assert.Contains("outside", compileError.GetProperty("message").GetString());
    }

    [Fact]
    public async Task StartQuery_checks_its_log_groups_and_time_range()
    {
        using var logs = Client(Host, "logs", Secondary, "eu-west-1");
        object Start(object groups, long startTime = 0, long endTime = 10) => new Dictionary<string, object>(((IDictionary<string, object>)groups)) { ["startTime"] = startTime, ["endTime"] = endTime, ["queryString"] = "fields requestId" };

        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery", Start(new Dictionary<string, object>()))));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery",
            Start(new Dictionary<string, object> { ["logGroupName"] = "BedrockModelInvocation", ["logGroupNames"] = new[] { "BedrockModelInvocation" } }))));
        Assert.Equal("ResourceNotFoundException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery", Start(new Dictionary<string, object> { ["logGroupName"] = "/aws/lambda/x" }))));
        Assert.Equal("ResourceNotFoundException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery",
            Start(new Dictionary<string, object> { ["logGroupIdentifiers"] = new[] { "arn:aws:logs:eu-west-1:111111111111:log-group:BedrockModelInvocation" } }))));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery",
            Start(new Dictionary<string, object> { ["logGroupIdentifiers"] = new[] { "arn:aws:logs:eu-west-1:222222222222:log-group:BedrockModelInvocation:*" } }))));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery",
            Start(new Dictionary<string, object> { ["logGroupName"] = "BedrockModelInvocation" }, startTime: 10, endTime: 9))));
        Assert.Equal("InvalidParameterException", await LogsErrorTypeAsync(await LogsAsync(logs, "StartQuery",
            new { logGroupName = "BedrockModelInvocation", startTime = 0, endTime = 10 })));

        var byArn = await LogsOkAsync(await LogsAsync(logs, "StartQuery",
            Start(new Dictionary<string, object> { ["logGroupIdentifiers"] = new[] { "arn:aws:logs:eu-west-1:222222222222:log-group:BedrockModelInvocation" } })));
        Assert.False(string.IsNullOrEmpty(byArn.GetProperty("queryId").GetString()));
    }

    [Fact]
    public async Task Protocol_and_signature_errors_come_in_the_Logs_JSON_shape()
    {
        using var logs = Client(Host, "logs");
        using var unsigned = new HttpClient { BaseAddress = Host.Endpoint("us-east-1") };
        using var otherRegion = EmulatorHost.SignedClient(Host.Endpoint("us-east-1"), "eu-west-1", "logs", Primary);

        Assert.Equal("UnknownOperationException", await LogsErrorTypeAsync(await LogsAsync(logs, "PutLogEvents", new { })));
        Assert.Equal("UnknownOperationException", await LogsErrorTypeAsync(await LogsRawAsync(logs, "Kinesis_20131202.ListStreams", "{}")));
        Assert.Equal("SerializationException", await LogsErrorTypeAsync(await LogsRawAsync(logs, "DescribeLogGroups", "{\"limit\": \"one\"}")));
        Assert.Equal("SerializationException", await LogsErrorTypeAsync(await LogsRawAsync(logs, "StartQuery", "not json")));
        Assert.Equal("MissingAuthenticationTokenException", await LogsErrorTypeAsync(await LogsAsync(unsigned, "DescribeLogGroups", new { })));
        Assert.Equal("InvalidSignatureException", await LogsErrorTypeAsync(await LogsAsync(otherRegion, "DescribeLogGroups", new { })));
    }

    [Fact]
    public async Task POST_slash_answers_each_service_in_its_own_shape_where_it_has_no_operation()
    {
        using var bedrock = Client(Host, "bedrock");
        using var admin = new HttpClient { BaseAddress = Host.Endpoint("admin") };

        using var bedrockRoot = await bedrock.PostAsync("/", JsonContent.Create(new { }));
        Assert.Equal(HttpStatusCode.NotFound, bedrockRoot.StatusCode);
        Assert.Equal("UnknownOperationException", ErrorType(bedrockRoot));
        Assert.Contains("/model/", (await bedrockRoot.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        using var logsOnAdmin = await LogsAsync(admin, "DescribeLogGroups", new { });
        Assert.Equal(HttpStatusCode.NotFound, logsOnAdmin.StatusCode);
        Assert.Equal("UnknownOperationException", (await LogsJsonAsync(logsOnAdmin)).GetProperty("__type").GetString());

        using var stsOnAdmin = await StsAsync(admin, "GetCallerIdentity");
        Assert.Equal(HttpStatusCode.NotFound, stsOnAdmin.StatusCode);
        Assert.Equal("UnknownOperation", (await StsErrorAsync(stsOnAdmin)).Code);
    }

    /// <summary>
    /// Calls the sample's profile from us-east-1 six times and once streaming, a base model once, and for
    /// contrast calls that must not appear in primary's us-east-1 log: the profile from us-west-2, from the
    /// secondary account, and a throttled call.
    /// </summary>
    private async Task InvokeMixAsync()
    {
        using var east = Host.SignedClient("us-east-1");
        using var west = Host.SignedClient("us-west-2");
        using var secondary = Host.SignedClient("us-east-1", EmulatorHost.SecondaryAccessKey, EmulatorHost.SecondarySecret);
        await Host.AddFaultAsync(new { kind = "throttle", model = Haiku });
        for (var i = 0; i < 6; i++)
        {
            await ExpectAsync(ConverseAsync(east, Profile, Body($"Question {i}")), HttpStatusCode.OK);
        }

        await ExpectAsync(ConverseAsync(east, Profile, stream: true), HttpStatusCode.OK);
        await ExpectAsync(ConverseAsync(east, NovaLite), HttpStatusCode.OK);
        await ExpectAsync(ConverseAsync(west, Profile), HttpStatusCode.OK);
        await ExpectAsync(ConverseAsync(secondary, Profile), HttpStatusCode.OK);
        await ExpectAsync(ConverseAsync(east, Haiku), HttpStatusCode.TooManyRequests);

        static async Task ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode status)
        {
            using var response = await call;
            Assert.Equal(status, response.StatusCode);
            await response.Content.ReadAsByteArrayAsync();
        }
    }

    private async Task<List<LoggedInvocation>> AdminInvocationsAsync() =>
        (await Host.Admin.GetFromJsonAsync<List<LoggedInvocation>>("/admin/invocations", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;

    private static async Task<string> StartAsync(HttpClient logs, string query, DateTimeOffset start, DateTimeOffset end, int? limit = null)
    {
        var started = await LogsOkAsync(await LogsAsync(logs, "StartQuery", new Dictionary<string, object?>
        {
            ["logGroupName"] = "BedrockModelInvocation",
            ["startTime"] = start.ToUnixTimeSeconds(),
            ["endTime"] = end.ToUnixTimeSeconds(),
            ["queryString"] = query,
            ["limit"] = limit,
        }.Where(p => p.Value is not null).ToDictionary()));
        return started.GetProperty("queryId").GetString()!;
    }

    private static async Task<JsonElement> RunAsync(HttpClient logs, string query, DateTimeOffset start, DateTimeOffset? end = null, int? limit = null)
    {
        var queryId = await StartAsync(logs, query, start, end ?? DateTimeOffset.UtcNow, limit);
        return await LogsOkAsync(await LogsAsync(logs, "GetQueryResults", new { queryId }));
    }

    private static List<string[]> Rows(JsonElement results) =>
        [.. results.GetProperty("results").EnumerateArray().Select(row => row.EnumerateArray()
            .Select(cell => $"{cell.GetProperty("field").GetString()}={cell.GetProperty("value").GetString()}").ToArray())];

    private sealed record LoggedInvocation(
        DateTimeOffset Time, string RequestId, string? Account, string Region, string SourceRegion, string? ModelId, string RequestedModel,
        string Api, int InputTokens, int OutputTokens, string Outcome);
}

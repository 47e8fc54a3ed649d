namespace Switchyard.BedrockEmulator.Logs;

/// <summary>The log group every emulated account has in every Region: where Bedrock delivers its model invocation logs.</summary>
internal static class ModelInvocationLogGroup
{
    public const string Name = "BedrockModelInvocation";

    /// <summary>The ARN as DescribeLogGroups shows it (<c>:*</c> names the group's streams too).</summary>
    public static string Arn(string region, string accountId) => $"arn:aws:logs:{region}:{accountId}:log-group:{Name}:*";

    /// <summary>
    /// Whether a StartQuery log group identifier names this group: its name, or its ARN in this Region and
    /// account (which must not end with <c>:*</c>).
    /// </summary>
    public static bool IsIdentifiedBy(string identifier, string region, string accountId) =>
        identifier == Name || identifier == $"arn:aws:logs:{region}:{accountId}:log-group:{Name}";
}

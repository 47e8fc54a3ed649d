using System.Globalization;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// An InvokeModel answer as Amazon Bedrock sends it: the model family's body, plus the token counts and the
/// invocation latency in <c>X-Amzn-Bedrock-*</c> headers. They are not in the service model, but Bedrock sends
/// them and callers read them from the raw answer (boto3's <c>ResponseMetadata.HTTPHeaders</c>, LiteLLM).
/// </summary>
internal sealed class InvokeModelResult(IResult body, long inputTokens, long outputTokens, long latencyMs) : IResult
{
    public const string InputTokenCountHeader = "X-Amzn-Bedrock-Input-Token-Count";
    public const string OutputTokenCountHeader = "X-Amzn-Bedrock-Output-Token-Count";
    public const string InvocationLatencyHeader = "X-Amzn-Bedrock-Invocation-Latency";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var headers = httpContext.Response.Headers;
        headers[InputTokenCountHeader] = inputTokens.ToString(CultureInfo.InvariantCulture);
        headers[OutputTokenCountHeader] = outputTokens.ToString(CultureInfo.InvariantCulture);
        headers[InvocationLatencyHeader] = latencyMs.ToString(CultureInfo.InvariantCulture);
        return body.ExecuteAsync(httpContext);
    }
}

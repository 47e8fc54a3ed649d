using System.Globalization;

namespace Switchyard.SampleApp.RouterClient;

/// <summary>What the Router says about the deployment that served a request (its <c>x-switchyard-*</c> response headers).</summary>
public sealed record ServedBy(
    string Deployment,
    string Region,
    string Account,
    string Model,
    string Provider,
    string ModelGroup,
    int Attempts,
    bool Fallback,
    string? TraceId)
{
    /// <summary>Reads the headers; null when the response carries none (an error answered before routing).</summary>
    public static ServedBy? FromHeaders(Func<string, string?> header)
    {
        if (header("x-switchyard-deployment") is not { Length: > 0 } deployment)
        {
            return null;
        }

        return new ServedBy(
            deployment,
            header("x-switchyard-region") ?? "",
            header("x-switchyard-account") ?? "",
            header("x-switchyard-model") ?? "",
            header("x-switchyard-provider") ?? "",
            header("x-switchyard-model-group") ?? "",
            int.TryParse(header("x-switchyard-attempts"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempts) ? attempts : 1,
            string.Equals(header("x-switchyard-fallback"), "true", StringComparison.OrdinalIgnoreCase),
            header("x-switchyard-trace-id"));
    }
}

using System.Text.Json;

namespace Switchyard.Router.Tests;

/// <summary>An error body in OpenAI's shape, checked strictly: <c>{"error":{"message","type","param","code"}}</c>, all four present.</summary>
public sealed record OpenAIError(string Message, string Type, string? Param, string? Code)
{
    /// <summary>The error in <paramref name="body"/>; throws, saying what is wrong, when the body is not in OpenAI's shape.</summary>
    public static OpenAIError Parse(string body)
    {
        JsonElement error;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var found) || found.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"No \"error\" object in: {body}");
            }

            error = found.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not JSON ({e.Message}): {body}");
        }

        return new OpenAIError(
            Member(error, "message", nullable: false, body)!,
            Member(error, "type", nullable: false, body)!,
            Member(error, "param", nullable: true, body),
            Member(error, "code", nullable: true, body));
    }

    private static string? Member(JsonElement error, string name, bool nullable, string body) =>
        error.TryGetProperty(name, out var value) switch
        {
            true when value.ValueKind == JsonValueKind.String => value.GetString(),
            true when nullable && value.ValueKind == JsonValueKind.Null => null,
            _ => throw new FormatException($"error.{name} is missing or not a string{(nullable ? " or null" : "")} in: {body}"),
        };
}

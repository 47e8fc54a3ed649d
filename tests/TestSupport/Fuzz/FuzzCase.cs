namespace Switchyard.Tests.Fuzz;

/// <summary>
/// One request the fuzzer sends: its body bytes and the headers it varies (null = header left out);
/// <paramref name="Path"/> and <paramref name="Headers"/> for suites whose cases vary the endpoint or other headers.
/// </summary>
public sealed record FuzzCase(byte[] Body, string? ContentType, string? Authorization, string Path = "", IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public HttpRequestMessage ToRequest(string defaultPath)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path is "" ? defaultPath : Path) { Content = new ByteArrayContent(Body) };
        if (ContentType is { } contentType)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (Authorization is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        foreach (var (name, value) in Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public override string ToString() =>
        (Path is "" ? "" : $"POST {Path}; ")
        + $"Content-Type: {ContentType ?? "(none)"}; Authorization: {Authorization ?? "(none)"}; "
        + string.Concat((Headers ?? []).Select(h => $"{h.Key}: {h.Value}; "))
        + $"body ({Body.Length} bytes): " + System.Text.Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 2000));
}

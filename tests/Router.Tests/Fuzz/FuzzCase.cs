namespace Switchyard.Router.Tests.Fuzz;

/// <summary>One request the fuzzer sends: its body bytes and the headers it varies (null = header left out).</summary>
public sealed record FuzzCase(byte[] Body, string? ContentType, string? Authorization)
{
    public override string ToString() =>
        $"Content-Type: {ContentType ?? "(none)"}; Authorization: {Authorization ?? "(none)"}; body ({Body.Length} bytes): "
        + System.Text.Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 2000));
}

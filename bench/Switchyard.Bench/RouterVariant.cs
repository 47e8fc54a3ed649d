namespace Switchyard.Bench;

/// <summary>A Router measured beside the bench's own with some environment variables added (<c>--router-variant</c>).</summary>
public sealed record RouterVariant(string Label, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Parses <c>label:KEY=VALUE;KEY=VALUE</c>, e.g. <c>no-traces:OTEL_TRACES_SAMPLER=always_off</c>.</summary>
    public static RouterVariant Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new ArgumentException($"'{text}' is not label:KEY=VALUE;KEY=VALUE.");
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"'{pair}' in '{text}' is not KEY=VALUE.");
            }

            environment[pair[..equals]] = pair[(equals + 1)..];
        }

        return new RouterVariant(text[..colon], environment);
    }
}

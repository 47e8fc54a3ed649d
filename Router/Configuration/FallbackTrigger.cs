namespace Switchyard.Router.Configuration;

/// <summary>
/// A kind of failure as fallback chains name it (<c>Routing:ModelGroups:&lt;group&gt;:Fallbacks:&lt;i&gt;:On</c>), and
/// as every provider failure is classified for them. The one place the wire names are spelled: configuration,
/// span events and the attempt metric's outcome use <see cref="Name"/>.
/// </summary>
public readonly record struct FallbackTrigger
{
    public static readonly FallbackTrigger Throttled = new("throttled");
    public static readonly FallbackTrigger Unavailable = new("unavailable");
    public static readonly FallbackTrigger Timeout = new("timeout");
    public static readonly FallbackTrigger ContextWindow = new("context-window");
    public static readonly FallbackTrigger ContentFiltered = new("content-filtered");

    /// <summary>The request itself was wrong: never a reason to fall back, so configuration cannot name it.</summary>
    public static readonly FallbackTrigger ClientError = new("client-error");

    /// <summary>The triggers configuration may name.</summary>
    public static IReadOnlyList<FallbackTrigger> Configurable { get; } = [Throttled, Unavailable, Timeout, ContextWindow, ContentFiltered];

    /// <summary>What a fallback step falls back on when its configuration names no trigger: the retryable failures.</summary>
    public static IReadOnlyList<FallbackTrigger> Default { get; } = [Throttled, Unavailable, Timeout];

    private FallbackTrigger(string name) => Name = name;

    /// <summary>The wire name, e.g. "context-window".</summary>
    public string Name { get; }

    /// <summary>A configurable trigger by its wire name, case-insensitively.</summary>
    public static bool TryParse(string? value, out FallbackTrigger trigger)
    {
        foreach (var known in Configurable)
        {
            if (string.Equals(known.Name, value, StringComparison.OrdinalIgnoreCase))
            {
                trigger = known;
                return true;
            }
        }

        trigger = default;
        return false;
    }

    /// <summary>A configurable trigger by its wire name; an <see cref="ArgumentException"/> listing the names when unknown.</summary>
    public static FallbackTrigger Parse(string value) => TryParse(value, out var trigger)
        ? trigger
        : throw new ArgumentException($"'{value}' is not one of: {KnownNames}.", nameof(value));

    /// <summary>The configurable names, comma-separated, for messages.</summary>
    public static string KnownNames => string.Join(", ", Configurable.Select(t => t.Name));

    public override string ToString() => Name;
}

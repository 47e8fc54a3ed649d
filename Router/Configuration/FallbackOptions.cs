using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.Configuration;

public sealed class FallbackOptions
{
    [Required]
    public string Group { get; set; } = "";

    /// <summary>
    /// Names of <see cref="FallbackTrigger"/>s: throttled, unavailable, timeout, context-window, content-filtered;
    /// none configured = <see cref="FallbackTrigger.Default"/>. Empty here rather than the defaults, because the
    /// configuration binder appends to a list it finds filled: a step could never be narrowed.
    /// </summary>
    public List<string> On { get; set; } = [];
}

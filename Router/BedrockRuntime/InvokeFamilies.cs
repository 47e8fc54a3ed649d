using Switchyard.Router.Routing;

namespace Switchyard.Router.BedrockRuntime;

/// <summary>
/// Which <see cref="InvokeFamily"/> a model group's InvokeModel bodies are in, from its deployments' model ids
/// (an ARN by the part after its last '/'): <c>anthropic.*</c> or a profile <c>&lt;geo&gt;.anthropic.*</c> is
/// Claude, <c>amazon.nova*</c> or <c>&lt;geo&gt;.amazon.nova*</c> is Nova. A group whose deployments are of no
/// family, or of two, has none: InvokeModel to it is a ValidationException (Converse serves any group).
/// </summary>
internal static class InvokeFamilies
{
    public static InvokeFamily? Of(ModelGroup group)
    {
        var families = group.Deployments.Select(d => Of(d.Options.Model)).Distinct().ToList();
        return families is [{ } only] ? only : null;
    }

    public static InvokeFamily? Of(string model)
    {
        var id = model[(model.LastIndexOf('/') + 1)..];
        return Matches(id, "anthropic.") ? InvokeFamily.Claude : Matches(id, "amazon.nova") ? InvokeFamily.Nova : null;
    }

    /// <summary>The model id starts with <paramref name="prefix"/>, itself or after an inference profile's geography (us., eu., apac., global.).</summary>
    private static bool Matches(string id, string prefix) =>
        id.StartsWith(prefix, StringComparison.Ordinal)
        || id.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 && id.AsSpan(dot + 1).StartsWith(prefix, StringComparison.Ordinal);
}

using System.Text.Json;
using Switchyard.Router.Routing;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// What the Router does with each top-level Chat Completions parameter (the table in docs/router.md):
/// honoured, ignored (named back in <c>x-switchyard-ignored-params</c>), or refused with a 400
/// <c>unsupported_parameter</c> naming it when set to anything but its default. A member OpenAI does not
/// define is refused as OpenAI refuses it (400 <c>unknown_parameter</c>), so a typo never passes unnoticed.
/// </summary>
public static class ChatParameterPolicy
{
    public const string IgnoredHeader = "x-switchyard-ignored-params";

    private enum Treatment
    {
        Honoured,
        Ignored,
        RefusedUnlessDefault,
    }

    private static readonly Dictionary<string, (Treatment Treatment, Func<JsonElement, bool>? IsDefault, string? Why)> Parameters = new(StringComparer.Ordinal)
    {
        ["model"] = (Treatment.Honoured, null, null),
        ["messages"] = (Treatment.Honoured, null, null),
        ["max_tokens"] = (Treatment.Honoured, null, null),
        ["max_completion_tokens"] = (Treatment.Honoured, null, null),
        ["temperature"] = (Treatment.Honoured, null, null),
        ["top_p"] = (Treatment.Honoured, null, null),
        ["stop"] = (Treatment.Honoured, null, null),
        ["tools"] = (Treatment.Honoured, null, null),
        ["tool_choice"] = (Treatment.Honoured, null, null),
        ["stream"] = (Treatment.Honoured, null, null),
        ["stream_options"] = (Treatment.Honoured, null, null),
        ["n"] = (Treatment.Honoured, null, null),
        ["response_format"] = (Treatment.Honoured, null, null),
        // Passed on to providers that have them (OpenAI-compatible ones); Bedrock Converse has no equivalent.
        ["seed"] = (Treatment.Honoured, null, null),
        ["frequency_penalty"] = (Treatment.Honoured, null, null),
        ["presence_penalty"] = (Treatment.Honoured, null, null),
        ["parallel_tool_calls"] = (Treatment.Honoured, null, null),

        // Hints and bookkeeping that do not change what a valid answer is.
        ["user"] = (Treatment.Ignored, null, null),
        ["safety_identifier"] = (Treatment.Ignored, null, null),
        ["metadata"] = (Treatment.Ignored, null, null),
        ["service_tier"] = (Treatment.Ignored, null, null),
        ["prompt_cache_key"] = (Treatment.Ignored, null, null),
        ["prompt_cache_retention"] = (Treatment.Ignored, null, null),
        ["reasoning_effort"] = (Treatment.Ignored, null, null),
        ["verbosity"] = (Treatment.Ignored, null, null),

        // The client would read an answer that is not there, or rely on behaviour the Router does not have.
        ["logprobs"] = (Treatment.RefusedUnlessDefault, IsFalse, "log probabilities are not available through the Router's providers"),
        ["top_logprobs"] = (Treatment.RefusedUnlessDefault, null, "log probabilities are not available through the Router's providers"),
        ["logit_bias"] = (Treatment.RefusedUnlessDefault, IsEmptyObject, "token ids differ between the models a group may route to"),
        ["store"] = (Treatment.RefusedUnlessDefault, IsFalse, "the Router does not store completions"),
        ["audio"] = (Treatment.RefusedUnlessDefault, null, "audio output is not supported"),
        ["modalities"] = (Treatment.RefusedUnlessDefault, IsTextOnly, "only text output is supported"),
        ["prediction"] = (Treatment.RefusedUnlessDefault, null, "predicted outputs are not supported"),
        ["web_search_options"] = (Treatment.RefusedUnlessDefault, null, "web search is not supported"),
        ["functions"] = (Treatment.RefusedUnlessDefault, null, "the deprecated functions API is not supported; use 'tools'"),
        ["function_call"] = (Treatment.RefusedUnlessDefault, null, "the deprecated functions API is not supported; use 'tool_choice'"),
    };

    /// <summary>
    /// Applies the policy to the request object's members, refusing the first one it must, and names the
    /// ignored ones that were set in the response header.
    /// </summary>
    public static void Apply(JsonElement request, HttpResponse response)
    {
        List<string>? ignored = null;
        foreach (var member in request.EnumerateObject())
        {
            string name;
            try
            {
                name = member.Name;
            }
            catch (InvalidOperationException)
            {
                throw RoutingException.InvalidRequest("The request has a member name that is not valid Unicode text.", null, "unknown_parameter");
            }

            if (!Parameters.TryGetValue(name, out var rule))
            {
                throw RoutingException.InvalidRequest($"Unrecognized request argument supplied: {Bounded(name)}", Bounded(name), "unknown_parameter");
            }

            var unset = member.Value.ValueKind == JsonValueKind.Null;
            switch (rule.Treatment)
            {
                case Treatment.Ignored when !unset:
                    (ignored ??= []).Add(name);
                    break;
                case Treatment.RefusedUnlessDefault when !unset && rule.IsDefault?.Invoke(member.Value) != true:
                    throw RoutingException.InvalidRequest($"'{name}' is not supported: {rule.Why}.", name, "unsupported_parameter");
            }
        }

        if (ignored is not null)
        {
            response.Headers[IgnoredHeader] = string.Join(',', ignored);
        }
    }

    /// <summary>
    /// Whether a request read typed leaves the policy nothing to do: it has only parameters the policy honours
    /// (<see cref="ChatCompletionRequest"/> lists them all, and its user, which the policy names back when set).
    /// </summary>
    public static bool HasNothingToDo(ChatCompletionRequest request) => request.Unlisted is null && request.User is null;

    /// <summary>The names the policy knows, for documentation and tests.</summary>
    public static IEnumerable<string> Known => Parameters.Keys;

    /// <summary>The names the policy honours as they are.</summary>
    public static IEnumerable<string> Honoured => Parameters.Where(p => p.Value.Treatment == Treatment.Honoured).Select(p => p.Key);

    // A client's unknown member is echoed in the error: keep a hostile one short.
    private static string Bounded(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");

    private static bool IsFalse(JsonElement value) => value.ValueKind == JsonValueKind.False;

    private static bool IsEmptyObject(JsonElement value) => value.ValueKind == JsonValueKind.Object && !value.EnumerateObject().Any();

    private static bool IsTextOnly(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(m => OpenAIJson.IsText(m, "text"));
}

using System.Text.Json;

namespace Switchyard.Bench.Hosting;

/// <summary>x-portkey-config headers: Portkey's openai provider pointed at the emulator's OpenAI-compatible endpoint.</summary>
public static class PortkeyConfig
{
    public const string Header = "x-portkey-config";

    /// <summary>One target, no retries: the same single upstream as "direct" and the Router's bench-openai group.</summary>
    public static string Single(EmulatorAdmin emulator) => JsonSerializer.Serialize(Target(emulator, model: null));

    /// <summary>
    /// Ordered fallback over one target per model (Portkey's equivalent of the Router's priority group with
    /// failover): on any non-2xx answer the next target is tried.
    /// </summary>
    public static string Fallback(EmulatorAdmin emulator, IEnumerable<string> models) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["strategy"] = new Dictionary<string, object> { ["mode"] = "fallback" },
        ["targets"] = models.Select(model => Target(emulator, model)).ToArray(),
    });

    private static Dictionary<string, object> Target(EmulatorAdmin emulator, string? model)
    {
        var target = new Dictionary<string, object>
        {
            ["provider"] = "openai",
            ["api_key"] = EmulatorAdmin.OpenAIKey,
            ["custom_host"] = emulator.OpenAIBase.ToString().TrimEnd('/'),
        };
        if (model is not null)
        {
            target["override_params"] = new Dictionary<string, string> { ["model"] = model };
        }

        return target;
    }
}

using System.Globalization;

namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// <c>scenario &lt;name&gt; [--strategy round-robin|split|random] [--seed N] [--duration SECONDS] [--admin-key KEY]</c>.
/// </summary>
public sealed record ScenarioCommandLine(ScenarioOptions Options, string? AdminKey)
{
    public const string Verb = "scenario";

    public static string Usage =>
        $"usage: dotnet run --project SampleApp -- {Verb} <{string.Join("|", ScenarioRunner.Names)}> " +
        "[--strategy round-robin|split|random] [--seed N] [--duration SECONDS] [--admin-key KEY]";

    public static bool IsScenarioCommand(string[] args) => args is [Verb, ..];

    /// <summary>Parses the arguments after the verb; null (with <paramref name="error"/>) when they are not valid.</summary>
    public static ScenarioCommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0 || !ScenarioRunner.Names.Contains(args[0]))
        {
            error = args.Count == 0 ? "Name a scenario." : $"Unknown scenario '{args[0]}'.";
            return null;
        }

        var options = new ScenarioOptions(args[0]);
        string? adminKey = null;
        for (var i = 1; i < args.Count; i += 2)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i], value)
            {
                case (_, null):
                    error = $"'{args[i]}' needs a value.";
                    return null;
                case ("--strategy", _) when ShardingScenario.TryParse(value, out var strategy):
                    options = options with { Strategy = strategy };
                    break;
                case ("--seed", _) when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case ("--duration", _) when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 3:
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case ("--admin-key", _):
                    adminKey = value;
                    break;
                default:
                    error = $"Invalid option '{args[i]} {value}'.";
                    return null;
            }
        }

        return new ScenarioCommandLine(options, adminKey);
    }
}

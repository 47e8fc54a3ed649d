namespace Switchyard.Tests.Fuzz;

/// <summary>What a fuzz run did: how many cases it sent, how fast, the statuses answered, and the failing cases.</summary>
public sealed record FuzzReport(int Cases, int Sent, TimeSpan Elapsed, IReadOnlyDictionary<int, int> Statuses, IReadOnlyList<string> Failures, string Seed)
{
    public string Summary => $"{Sent} of {Cases} cases in {Elapsed.TotalSeconds:F1} s ({Sent / Elapsed.TotalSeconds:F0}/s); statuses: "
        + string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));

    public string FailureReport => $"{Failures.Count} failing cases ({Seed}):\n" + string.Join("\n", Failures);
}

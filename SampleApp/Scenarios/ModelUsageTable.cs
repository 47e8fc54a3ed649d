namespace Switchyard.SampleApp.Scenarios;

/// <summary>
/// Requests per model served, like the reference's "Model Usage Distribution": PRIMARY or FALLBACK by the
/// reference's own rule (<see cref="ReferenceNames.IsFallbackModel"/>), with the deployment and the group that
/// served from the Router's headers, and a FAILED row so the shares cover every request sent.
/// </summary>
public static class ModelUsageTable
{
    public const string Title = "Requests per model";

    public static TextTable Create(IReadOnlyList<RequestResult> results)
    {
        var served = results.Where(r => r.Succeeded)
            .GroupBy(r => (Model: ServedModel(r), Deployment: r.ServedBy?.Deployment ?? "-", ModelGroup: r.ServedBy?.ModelGroup ?? "-"))
            .Select(g => (g.Key, Type: ReferenceNames.IsFallbackModel(g.Key.Model) ? "FALLBACK" : "PRIMARY", Count: g.Count()))
            .OrderBy(g => g.Type == "FALLBACK")
            .ThenBy(g => g.Key.Model, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Deployment, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<string>)[g.Type, g.Key.Model, g.Key.Deployment, g.Key.ModelGroup, Cells.Count(g.Count), Cells.Percent(g.Count, results.Count)]);
        var failed = results.Count(r => !r.Succeeded);
        return new TextTable(Title, ["Type", "Model", "Deployment", "Model group", "Requests", "Share"],
            [.. served, ["FAILED", "-", "-", "-", Cells.Count(failed), Cells.Percent(failed, results.Count)]]);
    }

    /// <summary>The response's <c>model</c>, which the reference reads; the Router's header if the body had none.</summary>
    public static string ServedModel(RequestResult result) => result.ResponseModel ?? result.ServedBy?.Model ?? "-";
}

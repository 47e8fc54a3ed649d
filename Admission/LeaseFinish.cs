namespace Switchyard.Admission;

/// <summary>A settlement (actual tokens, cost in micro-USD) or a release of one store lease.</summary>
internal sealed record LeaseFinish(string TenantId, string LeaseId, bool Release, long ActualTokens = 0, long CostMicroUsd = 0)
{
    public string Operation => Release ? "release" : "settle";
}

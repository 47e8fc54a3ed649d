namespace Switchyard.Admission;

/// <summary>A settlement (actual tokens, cost in micro-USD) or a release of one store lease, with its tenant's keys (cached by the caller).</summary>
internal sealed record LeaseFinish(TenantKeySet Keys, string LeaseId, bool Release, long ActualTokens = 0, long CostMicroUsd = 0)
{
    public string Operation => Release ? "release" : "settle";
}

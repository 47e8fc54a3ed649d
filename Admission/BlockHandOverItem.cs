namespace Switchyard.Admission;

/// <summary>One lease in a hand-over, as the script takes it (store ms; state 0 open, 1 settled, 2 released).</summary>
internal readonly record struct BlockHandOverItem(string LeaseId, long At, long Expiry, long Reserved, int State, long Actual, long Cost);

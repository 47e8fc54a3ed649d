namespace Switchyard.BedrockEmulator.Logs;

/// <summary>The most recent queries (a bounded number, as AWS keeps only recent ones), found by id within an account and Region.</summary>
internal sealed class InsightsQueryStore
{
    public const int Capacity = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, InsightsQueryRun> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Add(InsightsQueryRun query)
    {
        lock (_gate)
        {
            if (_order.Count == Capacity)
            {
                _byId.Remove(_order.Dequeue());
            }

            _byId[query.QueryId] = query;
            _order.Enqueue(query.QueryId);
        }
    }

    public InsightsQueryRun? Find(string queryId, string account, string region)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(queryId, out var query) && query.Account == account && query.Region == region ? query : null;
        }
    }

    /// <summary>The account's queries in a Region, newest first.</summary>
    public List<InsightsQueryRun> List(string account, string region)
    {
        lock (_gate)
        {
            return [.. _order.Reverse().Select(id => _byId[id]).Where(q => q.Account == account && q.Region == region)];
        }
    }
}

using Microsoft.Extensions.Options;
using Switchyard.BedrockEmulator.Configuration;

namespace Switchyard.BedrockEmulator.Invocations;

/// <summary>The most recent invocations, in a bounded ring buffer (the stand-in for CloudWatch invocation logs).</summary>
internal sealed class InvocationLog(IOptions<EmulatorOptions> options)
{
    private readonly Lock _gate = new();
    private readonly InvocationRecord?[] _ring = new InvocationRecord?[options.Value.InvocationLogCapacity];
    private long _written;

    public void Add(InvocationRecord record)
    {
        lock (_gate)
        {
            _ring[_written++ % _ring.Length] = record;
        }
    }

    /// <summary>The last <c>Limit</c> matching records, oldest first.</summary>
    public List<InvocationRecord> Query(InvocationQuery query)
    {
        var matches = new List<InvocationRecord>();
        lock (_gate)
        {
            var count = (int)Math.Min(_written, _ring.Length);
            for (var i = 0; i < count && matches.Count < query.Limit; i++)
            {
                var record = _ring[(_written - 1 - i) % _ring.Length]!;
                if (Matches(record, query))
                {
                    matches.Add(record);
                }
            }
        }

        matches.Reverse();
        return matches;
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_ring);
            _written = 0;
        }
    }

    private static bool Matches(InvocationRecord record, InvocationQuery query) =>
        (query.Since is not { } since || record.Time >= since)
        && (query.Account is null || record.Account == query.Account)
        && (query.Region is null || record.Region == query.Region)
        && (query.Model is null || record.ModelId == query.Model || record.RequestedModel == query.Model);
}

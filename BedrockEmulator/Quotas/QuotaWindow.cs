namespace Switchyard.BedrockEmulator.Quotas;

/// <summary>
/// Requests and tokens used over the last 60 seconds, in one-second buckets (a rolling minute, not a
/// fixed window). Every operation is a few arithmetic steps under a private lock; nothing awaits inside.
/// </summary>
internal sealed class QuotaWindow(int rpm, long tpm)
{
    private const int Seconds = 60;

    private readonly Lock _gate = new();
    private readonly int[] _requests = new int[Seconds];
    private readonly long[] _tokens = new long[Seconds];
    private long _lastSecond;
    private int _requestTotal;
    private long _tokenTotal;

    public int Rpm { get; private set; } = rpm;

    public long Tpm { get; private set; } = tpm;

    public void SetLimits(int rpm, long tpm)
    {
        lock (_gate)
        {
            Rpm = rpm;
            Tpm = tpm;
        }
    }

    /// <summary>Takes one request and <paramref name="tokens"/> if both fit in the rolling minute.</summary>
    public QuotaVerdict Reserve(long nowSecond, long tokens)
    {
        lock (_gate)
        {
            Advance(nowSecond);
            if (_requestTotal + 1 > Rpm)
            {
                return QuotaVerdict.TooManyRequests;
            }

            if (_tokenTotal + tokens > Tpm)
            {
                return QuotaVerdict.TooManyTokens;
            }

            var bucket = (int)(nowSecond % Seconds);
            _requests[bucket]++;
            _tokens[bucket] += tokens;
            _requestTotal++;
            _tokenTotal += tokens;
            return QuotaVerdict.Granted;
        }
    }

    /// <summary>Moves the tokens reserved at <paramref name="reservedSecond"/> by <paramref name="delta"/>, if that second is still in the window.</summary>
    public void Adjust(long reservedSecond, long nowSecond, long delta)
    {
        lock (_gate)
        {
            Advance(nowSecond);
            if (nowSecond - reservedSecond >= Seconds)
            {
                return;
            }

            var bucket = (int)(reservedSecond % Seconds);
            var adjusted = Math.Max(0, _tokens[bucket] + delta);
            _tokenTotal += adjusted - _tokens[bucket];
            _tokens[bucket] = adjusted;
        }
    }

    public (int Requests, long Tokens) Usage(long nowSecond)
    {
        lock (_gate)
        {
            Advance(nowSecond);
            return (_requestTotal, _tokenTotal);
        }
    }

    /// <summary>The smaller of the request and token headroom, as a fraction of the limits (0..1).</summary>
    public double RemainingFraction(long nowSecond)
    {
        lock (_gate)
        {
            Advance(nowSecond);
            var requests = Rpm == 0 ? 0 : 1 - ((double)_requestTotal / Rpm);
            var tokens = Tpm == 0 ? 0 : 1 - ((double)_tokenTotal / Tpm);
            return Math.Clamp(Math.Min(requests, tokens), 0, 1);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_requests);
            Array.Clear(_tokens);
            _requestTotal = 0;
            _tokenTotal = 0;
        }
    }

    /// <summary>Empties the buckets of the seconds that left the window since the last call.</summary>
    private void Advance(long nowSecond)
    {
        if (nowSecond <= _lastSecond)
        {
            return;
        }

        if (nowSecond - _lastSecond >= Seconds)
        {
            Array.Clear(_requests);
            Array.Clear(_tokens);
            _requestTotal = 0;
            _tokenTotal = 0;
        }
        else
        {
            for (var second = _lastSecond + 1; second <= nowSecond; second++)
            {
                var bucket = (int)(second % Seconds);
                _requestTotal -= _requests[bucket];
                _tokenTotal -= _tokens[bucket];
                _requests[bucket] = 0;
                _tokens[bucket] = 0;
            }
        }

        _lastSecond = nowSecond;
    }
}

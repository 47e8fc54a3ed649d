using StackExchange.Redis;

namespace Switchyard.Admission;

/// <summary>
/// The one Lua style of the shared store: plain scripts over <c>KEYS</c> and <c>ARGV</c>, run with
/// <c>ScriptEvaluateAsync(text, keys, values)</c>. Every key a script touches is passed in <c>KEYS</c>, so
/// Redis Cluster routes the call to the keys' slot; the number of keys may vary (a hand-over names one
/// lease record per admission, which named <c>LuaScript</c> parameters cannot). StackExchange.Redis sends
/// <c>EVALSHA</c> once a node knows a script and sends its text again when a node answers <c>NOSCRIPT</c>
/// (a flushed script cache, a restarted or failed-over node), so nothing else handles that.
/// </summary>
public static class StoreScripts
{
    /// <summary>
    /// Loads the scripts on every node at start, so the first requests pay neither for the script load nor
    /// for a cold connection within their store timeout.
    /// </summary>
    public static async Task LoadAsync(IConnectionMultiplexer redis, IEnumerable<string> scripts, CancellationToken cancellationToken)
    {
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            foreach (var script in scripts)
            {
                await server.ScriptLoadAsync(script).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }
        }
    }
}

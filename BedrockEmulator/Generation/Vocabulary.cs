namespace Switchyard.BedrockEmulator.Generation;

/// <summary>
/// The built-in words of emulated answers: sentence patterns whose <c>{slots}</c> take phrases of one
/// theme (the gateway at work, or rivers and the land they cross) plus a few shared ones. Every phrase
/// of a slot fits every pattern that names it: subjects are singular, verbs and actions third person
/// present, openings end with a comma; all start lower case, a sentence's first letter is raised when written.
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] Sentences =
    [
        "{subject} {verb} {object}.",
        "{subject} {verb} {object} {manner}.",
        "{opening} {subject} {verb} {object}.",
        "{opening} {subject} {action}.",
        "{subject} {action}.",
        "{subject} {action} {manner}.",
        "{subject} {verb} {object}, {conjunction} {subject} {action}.",
        "{clause} {subject} {action}, {subject} {verb} {object}.",
    ];

    /// <summary>Patterns that are not whole sentences: fine to open a chat answer, or when only a few characters are left.</summary>
    public static readonly string[] Fragments = ["{interjection}."];

    /// <summary>Each theme's phrases by slot name, the shared slots included.</summary>
    public static IReadOnlyDictionary<string, string[]>[] Themes() => [WithShared(Gateway()), WithShared(Rivers())];

    private static Dictionary<string, string[]> WithShared(Dictionary<string, string[]> theme)
    {
        theme["opening"] =
        [
            "in practice,", "most of the time,", "by contrast,", "as a rule,", "in short,", "meanwhile,", "even so,",
            "in the end,", "of course,", "on the whole,", "at first,", "after that,", "for example,", "in general,",
            "usually,", "today,", "later,", "still,", "then,", "as expected,", "in fact,", "to be fair,", "surprisingly,",
            "in the long run,", "over time,", "at the same time,", "for now,", "by design,", "on a good day,",
            "sometimes,", "every so often,", "in most cases,", "once again,", "better still,", "all the same,",
            "on balance,", "at night,", "in the morning,", "so,", "first of all,", "to put it simply,", "as it happens,",
        ];
        theme["conjunction"] =
        [
            "and", "but", "so", "while", "yet", "because", "although", "since", "whereas", "and then", "so that",
            "even though", "and meanwhile", "until",
        ];
        theme["clause"] =
        [
            "when", "once", "if", "because", "although", "while", "whenever", "as soon as", "since", "after", "before",
            "until", "even if", "even though", "each time", "as long as", "unless",
        ];
        theme["interjection"] =
        [
            "hi", "ok", "yes", "sure", "well", "right", "great", "indeed", "agreed", "exactly", "granted", "in short",
            "probably", "of course", "certainly", "precisely", "absolutely", "yes indeed", "fair point", "good point",
            "it depends", "true enough", "quite right", "more or less", "that depends", "good question",
            "happy to help", "let me explain", "glad you asked", "here is my take", "here is the gist",
            "here is the short answer", "thanks for asking", "that is a good question",
        ];
        return theme;
    }

    private static Dictionary<string, string[]> Gateway() => new()
    {
        ["subject"] =
        [
            "the gateway", "the router", "each Region", "every request", "the quota service", "the nearest Region",
            "a busy Region", "the admission queue", "the token bucket", "the health check", "the circuit breaker",
            "the retry policy", "each tenant", "the load balancer", "the first token", "a long answer", "the stream",
            "the model", "the fallback route", "a cold start", "the dashboard", "the trace", "the operator",
            "the budget", "the schedule", "the network", "the primary Region", "a second Region", "the failover plan",
            "the rate limiter", "the cache", "the chat client", "every deployment", "the model group",
            "the request log", "a short prompt", "the emulator", "the control plane", "the sample app",
            "the latency model", "the slowest Region", "the quota window", "a Region", "the queue", "the client",
        ],
        ["verb"] =
        [
            "routes", "checks", "watches", "measures", "limits", "protects", "balances", "counts", "holds", "keeps",
            "shares", "finds", "serves", "tracks", "records", "favours", "avoids", "reaches", "follows", "carries",
            "sends", "retries", "throttles", "reports", "reserves", "releases", "spreads", "shapes", "absorbs",
            "reroutes", "delays", "admits", "rejects", "streams", "caches", "compares", "explains", "reveals", "trims",
            "smooths out", "keeps an eye on", "makes room for", "waits for", "depends on", "learns from",
        ],
        ["object"] =
        [
            "the next request", "a steady flow of traffic", "its own limits", "a fair share of tokens",
            "the morning rush", "a second Region", "the last few tokens", "the same answer", "the busiest routes",
            "every tenant", "the quota for each model", "a clear path", "the slow requests", "the failed attempt",
            "the token budget", "a short burst", "the whole stream", "each deployment", "the nearest healthy Region",
            "the error rate", "the queue", "the load", "the traffic from Europe", "the daily peak", "every retry",
            "the answer", "a backup route", "the usage report", "the time to first token", "a spare Region",
            "the old limits", "the new limits", "each model group", "the open circuits", "the remaining capacity",
            "the tenant quotas", "a few extra seconds", "the whole answer", "the request headers",
            "the average latency", "the cost", "the rest",
        ],
        ["action"] =
        [
            "slows down", "keeps going", "recovers quickly", "waits its turn", "moves on", "stays calm", "fails over",
            "holds steady", "catches up", "answers at once", "starts again", "backs off", "scales out",
            "settles down", "runs hot", "cools down", "comes back online", "drains slowly", "fills up",
            "takes a moment", "stays within budget", "recovers", "gives way", "steps aside", "picks another Region",
            "finishes early", "times out", "warms up", "keeps count", "stays healthy", "pauses briefly",
            "tries again later", "sends a warning", "reports its usage", "switches Regions", "answers in full",
            "stays in sync", "falls behind", "keeps up", "opens its circuit", "waits", "stalls", "rests", "retries",
            "helps",
        ],
        ["manner"] =
        [
            "without delay", "at peak hours", "under heavy load", "within its budget", "for a few seconds",
            "when the load rises", "after a short pause", "at a steady pace", "once the quota resets",
            "until the queue drains", "again and again", "in every Region", "across the whole fleet",
            "during the night", "on most days", "with little fuss", "in the background", "before the deadline",
            "by a wide margin", "in small steps", "one token at a time", "at the edge of the network",
            "on the first try", "for every tenant", "in real time", "as the traffic grows", "behind the scenes",
            "for a while", "without a restart", "from the nearest Region", "in a few milliseconds",
            "at the start of each hour", "on every retry", "with care", "more often than not", "in quiet hours",
            "with a short backoff", "for each model", "as planned", "at the same pace", "today", "again", "at once",
        ],
    };

    private static Dictionary<string, string[]> Rivers() => new()
    {
        ["subject"] =
        [
            "the river", "a quiet river", "the old bridge", "the harbour", "the valley", "a small town",
            "the northern coast", "the weather", "the morning train", "the ferry", "the lighthouse",
            "the mountain pass", "the delta", "the estuary", "the tide", "the current", "every valley", "the map",
            "the traveller", "the west wind", "the spring flood", "the old mill", "the canal", "the lake",
            "the waterfall", "the fishing village", "a narrow stream", "the main road", "the eastern plain",
            "the border town", "the mountain range", "the forest", "the rain", "the snowmelt", "each tributary",
            "the ferry captain", "the river bank", "a wooden boat", "the night train", "the coastal path",
            "the island", "the sea", "the fog",
        ],
        ["verb"] =
        [
            "crosses", "feeds", "joins", "guides", "follows", "carries", "reaches", "shapes", "divides", "drains",
            "links", "meets", "greets", "visits", "passes", "leaves", "outlasts", "floods", "waters", "circles",
            "borders", "frames", "hides", "shelters", "overlooks", "cools", "fills", "splits", "warms", "slows",
            "winds past", "runs along", "flows into", "climbs", "watches", "surrounds", "reflects", "supplies",
            "connects", "looks out over", "makes its way to", "wears down", "nears",
        ],
        ["object"] =
        [
            "the valley below", "the open sea", "every border", "the quiet hours", "the wide plain", "the old mill",
            "the harbour walls", "the western hills", "the lower fields", "a chain of lakes", "three small villages",
            "the ancient city", "the coast road", "the morning fog", "the rocky shore", "the capital",
            "the northern forests", "a deep gorge", "the salt marshes", "the farmland", "the river mouth",
            "the old trade route", "the eastern hills", "the town square", "the railway line", "a sandy beach",
            "the green meadows", "the summer crops", "the fishing boats", "the stone bridge", "the mountain lakes",
            "the southern border", "the flood plain", "the vineyards", "a line of poplars", "the island",
            "the distant peaks", "the harbour town", "the frozen north", "the evening light", "the sea",
        ],
        ["action"] =
        [
            "rises", "bends to the east", "runs dry in summer", "grows wider", "winds through the hills",
            "floods every spring", "freezes in winter", "meets the sea", "slows near the coast", "turns south",
            "splits in two", "carries on", "falls silent", "sparkles at noon", "widens near the town",
            "drops into a gorge", "flows north", "rests in the lake", "changes course", "spills over its banks",
            "glitters in the sun", "narrows between the cliffs", "disappears underground", "returns each year",
            "stays calm", "moves quickly", "runs deep", "curves around the hill", "feeds the lake",
            "reaches the delta", "crosses the border", "passes the old mill", "wakes the valley", "shines at dusk",
            "sleeps under the ice", "gathers strength", "loses speed", "keeps flowing", "drifts past the town",
            "opens into a bay", "ebbs", "dries up", "waits", "falls", "bends",
        ],
        ["manner"] =
        [
            "at dawn", "in every season", "across the border", "before the rain", "during the night",
            "along the coast", "as the river widens", "near the harbour", "in the spring", "past the old bridge",
            "toward the sea", "through the valley", "at a steady pace", "by the afternoon", "from the hills",
            "in the north", "to the south", "after the storm", "under a grey sky", "for many miles",
            "beyond the hills", "in late summer", "with the tide", "against the wind", "below the dam",
            "in the shade of the cliffs", "over the centuries", "after the snow melts", "at low tide",
            "in quiet years", "all year round", "from source to sea", "on calm days", "under the old bridge",
            "between the two towns", "around the island", "like a silver ribbon", "at the foot of the mountains",
            "today", "again", "at dusk",
        ],
    };
}

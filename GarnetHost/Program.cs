using Garnet;

// Embedded Redis-compatible server (Microsoft Garnet, Lua scripting on) for machines that have
// neither a container runtime nor redis-server: the AppHost's last-resort "cache" resource.
// Arguments are Garnet's own (for example --port 6380). Loopback and Lua are always on, and
// scripts run as transactions: without --lua-transaction-mode Garnet does not run a script atomically,
// and every limit we keep in a script would leak under concurrency.
string[] garnetArgs = ["--bind", "127.0.0.1", "--lua", "--lua-transaction-mode", .. args];

using var server = new GarnetServer(garnetArgs);
server.Start();
Console.WriteLine($"Garnet listening ({string.Join(' ', garnetArgs)})");

var stopped = new TaskCompletionSource();
using var onSigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.TrySetResult(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
await stopped.Task;

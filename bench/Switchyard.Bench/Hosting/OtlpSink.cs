using System.Net;

namespace Switchyard.Bench.Hosting;

/// <summary>
/// A do-nothing OTLP/HTTP receiver inside the suite, so the Router runs with tracing exported
/// (batching, serialisation and the POSTs included) without a collector on the machine.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private long exports;

    public OtlpSink()
    {
        Port = FreePorts.Next();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Export requests (traces, metrics and logs) received so far.</summary>
    public long Exports => Interlocked.Read(ref exports);

    public IReadOnlyDictionary<string, string> ExporterEnvironment => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Port}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
    };

    private async Task AcceptAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            await context.Request.InputStream.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref exports);
            // An empty protobuf message is a valid Export*ServiceResponse.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}

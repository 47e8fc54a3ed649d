using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Router.Tests;

/// <summary>
/// A scripted upstream on a real loopback socket for provider wire tests: it records each request
/// (raw target, Authorization, JSON body) and answers with whatever <see cref="Handler"/> writes.
/// With <paramref name="http2Only"/> it speaks only HTTP/2 with prior knowledge (h2c), as a cleartext HTTP/2 upstream does.
/// </summary>
public sealed class LoopbackUpstream(bool http2Only = false) : IAsyncLifetime, IAsyncDisposable
{
    private WebApplication? _app;

    public Func<HttpContext, Task> Handler { get; set; } = _ => Task.CompletedTask;

    public List<(string RawTarget, string? Authorization, JsonElement Body)> Requests { get; } = [];

    /// <summary>The protocol of each request, in order ("HTTP/1.1", "HTTP/2").</summary>
    public List<string> Protocols { get; } = [];

    public string Address => _app!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Nothing from the output directory: the emulator's appsettings.json (Kestrel endpoints on fixed
        // ports) can land there beside the Router's, as both projects are referenced.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        _app = builder.Build();
        _app.Run(async context =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            lock (Requests)
            {
                // The raw target: model ids with ":" must arrive percent-encoded, as Bedrock expects.
                Requests.Add((context.Features.Get<IHttpRequestFeature>()!.RawTarget, context.Request.Headers.Authorization, body));
                Protocols.Add(context.Request.Protocol);
            }

            await Handler(context);
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
}

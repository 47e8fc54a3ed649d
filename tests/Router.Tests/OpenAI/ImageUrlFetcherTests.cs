using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Routing;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary>
/// The image URL fetcher against a real https server on loopback (a self-signed certificate the test's
/// handler trusts; private addresses allowed for it): the image arrives as bytes, and every limit holds.
/// </summary>
public sealed class ImageUrlFetcherTests : IAsyncLifetime
{
    private WebApplication? _server;

    private string Origin => _server!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Nothing from the output directory: the emulator's appsettings.json (Kestrel endpoints on fixed
        // ports) can land there beside the Router's, as both projects are referenced.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        var certificate = SelfSigned();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        _server = builder.Build();
        _server.MapGet("/img.png", () => Results.Bytes(ImagePartTests.Png, "image/png"));
        _server.MapGet("/big.png", () => Results.Bytes([.. ImagePartTests.Png, .. new byte[5000]], "image/png"));
        _server.MapGet("/text", () => Results.Text("not an image"));
        _server.MapGet("/missing", () => Results.NotFound());
        _server.MapGet("/to-image", () => Results.Redirect("/img.png"));
        _server.MapGet("/to-http", (HttpContext context) => Results.Redirect($"http://{context.Request.Host}/img.png"));
        _server.MapGet("/loop", () => Results.Redirect("/loop"));
        _server.MapGet("/slow", async (CancellationToken cancellation) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), cancellation);
            return Results.Bytes(ImagePartTests.Png, "image/png");
        });
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/img.png")]
    [InlineData("/to-image")]
    public async Task An_allowed_https_image_is_fetched_into_its_bytes(string path)
    {
        var request = await ResolveAsync(path, new ImageUrlOptions { Enabled = true, AllowPrivateAddresses = true });

        var image = Assert.IsType<DataContent>(request.Messages[0].Contents[1]);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(ImagePartTests.Png, image.Data.ToArray());
        Assert.Equal("hi", Assert.IsType<TextContent>(request.Messages[0].Contents[0]).Text);
    }

    [Theory]
    [InlineData("/big.png", "larger than 1000 bytes")]
    [InlineData("/text", "not a png, jpeg, gif or webp image")]
    [InlineData("/missing", "the server answered 404")]
    [InlineData("/to-http", "only https URLs are fetched")]
    [InlineData("/loop", "more than 3 redirects")]
    [InlineData("/slow", "no answer within 1 s")]
    public async Task Every_limit_holds_and_is_a_400_naming_the_element(string path, string reason)
    {
        // 1 s only where the timeout is the point: a first TLS handshake on a loaded machine can take that long.
        var timeout = TimeSpan.FromSeconds(path == "/slow" ? 1 : 15);
        var refused = await Assert.ThrowsAsync<RoutingException>(() =>
            ResolveAsync(path, new ImageUrlOptions { Enabled = true, AllowPrivateAddresses = true, MaxBytes = 1000, Timeout = timeout }));

        Assert.Equal((400, "invalid_image_url", "messages[0].content[1].image_url.url"), (refused.StatusCode, refused.Code, refused.Param));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_private_addresses_allowed_loopback_is_never_connected_to()
    {
        var refused = await Assert.ThrowsAsync<RoutingException>(() => ResolveAsync("/img.png", new ImageUrlOptions { Enabled = true }));

        Assert.Contains("does not resolve to a public address", refused.Message, StringComparison.Ordinal);
    }

    private async Task<RouteRequest> ResolveAsync(string path, ImageUrlOptions options)
    {
        var monitor = new StaticOptionsMonitor<ImageUrlOptions>(options);
        using var handler = ImageUrlFetcher.CreateHandler(monitor);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var fetcher = new ImageUrlFetcher(handler, monitor);
        var part = System.Text.Json.JsonElement.Parse("""{"type":"image_url","image_url":{"url":""" + System.Text.Json.JsonSerializer.Serialize(Origin + path) + "}}");
        var message = new ChatMessage(ChatRole.User, [new TextContent("hi"), ImagePartReader.Read(part, "messages[0].content[1]")]);
        return await fetcher.ResolveAsync(new RouteRequest("g", [message], new ChatOptions(), 10), CancellationToken.None);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Switchyard.Router.OpenAI;
using Switchyard.Router.Providers.Bedrock;

namespace Switchyard.Router.Tests.OpenAI;

/// <summary><c>image_url</c> content parts: data URLs to image bytes, https URLs refused unless fetching is on, Converse image blocks.</summary>
[Collection(nameof(RouterHostCollection))]
[Trait("Category", "Redis")]
public sealed class ImagePartTests(RouterHost host) : IAsyncLifetime
{
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3, 4];

    public static readonly string PngDataUrl = "data:image/png;base64," + Convert.ToBase64String(Png);

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void A_data_url_becomes_the_image_bytes_between_the_text_parts()
    {
        var request = Map($$$"""[{"type":"text","text":"What"},{"type":"text","text":" is this?"},{"type":"image_url","image_url":{"url":"{{{PngDataUrl}}}","detail":"low"}},{"type":"text","text":"Thanks"}]""");

        var contents = Assert.Single(request.Messages).Contents;
        Assert.Equal(3, contents.Count);
        Assert.Equal("What is this?", Assert.IsType<TextContent>(contents[0]).Text);
        var image = Assert.IsType<DataContent>(contents[1]);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(Png, image.Data.ToArray());
        Assert.Equal("Thanks", Assert.IsType<TextContent>(contents[2]).Text);
        // An image reserves what Claude may count for it.
        Assert.True(request.ReservedTokens >= ImagePartReader.ReservedTokensPerImage);
    }

    [Fact]
    public void The_converse_request_carries_an_image_block_with_the_format_and_base64_bytes()
    {
        var request = Map($$$"""[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"{{{PngDataUrl}}}"}}]""");

        var json = JsonSerializer.SerializeToElement(ConverseRequestMapper.Map(request.Messages, request.Options, "us.anthropic.claude-haiku-4-5-20251001-v1:0"), ConverseJsonContext.Default.ConverseRequest);

        var blocks = json.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("What is this?", blocks[0].GetProperty("text").GetString());
        Assert.Equal("png", blocks[1].GetProperty("image").GetProperty("format").GetString());
        Assert.Equal(Convert.ToBase64String(Png), blocks[1].GetProperty("image").GetProperty("source").GetProperty("bytes").GetString());
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}""", "messages[0].content[1].image_url.url", "invalid_image_format")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png;base64,@@@@"}}""", "messages[0].content[1].image_url.url", "invalid_image")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,iVBORw0KGgoAAAANSUhEUgECAwQ="}}""", "messages[0].content[1].image_url.url", "invalid_image")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}""", "messages[0].content[1].image_url.url", "invalid_image_url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"http://example.com/a.png"}}""", "messages[0].content[1].image_url.url", "invalid_image_url")]
    [InlineData("""{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}""", "messages[0].content[1].image_url.url", "invalid_image_url")]
    [InlineData("""{"type":"image_url","image_url":{"url":7}}""", "messages[0].content[1].image_url.url", "invalid_type")]
    [InlineData("""{"type":"image_url","image_url":"https://example.com/a.png"}""", "messages[0].content[1].image_url", "invalid_type")]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"max"}}""", "messages[0].content[1].image_url.detail", "invalid_value")]
    [InlineData("""{"type":"input_audio","input_audio":{}}""", "messages[0].content[1].type", "invalid_value")]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}""", "messages[0].content[1].image_url.url", "image_url_fetch_disabled")]
    public async Task A_bad_image_part_is_a_400_naming_the_element(string part, string param, string code)
    {
        using var response = await PostAsync(host.CreateClient(), $$"""[{"role":"user","content":[{"type":"text","text":"hi"},{{part}}]}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = OpenAIError.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((code, param), (error.Code, error.Param));
        Assert.Empty(host.Upstream.Calls);
    }

    [Fact]
    public async Task Images_only_in_user_messages_and_at_most_twenty()
    {
        var image = $$$"""{"type":"image_url","image_url":{"url":"{{{PngDataUrl}}}"}}""";
        using var system = await PostAsync(host.CreateClient(), $$"""[{"role":"system","content":[{{image}}]},{"role":"user","content":"hi"}]""");
        using var many = await PostAsync(host.CreateClient(), $$"""[{"role":"user","content":[{{string.Join(',', Enumerable.Repeat(image, 21))}}]}]""");

        Assert.Equal("messages[0].content[0].type", OpenAIError.Parse(await system.Content.ReadAsStringAsync()).Param);
        Assert.Equal("messages[0].content[20]", OpenAIError.Parse(await many.Content.ReadAsStringAsync()).Param);
    }

    [Fact]
    public async Task A_data_url_image_is_served()
    {
        using var response = await PostAsync(host.CreateClient(), $$$"""[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"{{{PngDataUrl}}}"}}]}]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_fetching_on_a_url_that_resolves_to_a_private_address_is_refused()
    {
        await using var app = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["ImageUrls:Enabled"] = "true" })));

        foreach (var url in new[] { "https://127.0.0.1:9/a.png", "https://localhost:9/a.png", "https://[::1]:9/a.png" })
        {
            using var response = await PostAsync(app.CreateClient(), $$$"""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]""");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = OpenAIError.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(("invalid_image_url", "messages[0].content[0].image_url.url"), (error.Code, error.Param));
            Assert.Contains("does not resolve to a public address", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_an_allow_list_other_hosts_are_refused_before_any_connection()
    {
        await using var app = host.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration(config =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["ImageUrls:Enabled"] = "true", ["ImageUrls:AllowedHosts:0"] = "*.images.example" })));

        using var response = await PostAsync(app.CreateClient(), """[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://elsewhere.example/a.png"}}]}]""");

        Assert.Contains("not in ImageUrls:AllowedHosts", OpenAIError.Parse(await response.Content.ReadAsStringAsync()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    public void Only_public_addresses_count_as_public(string address, bool expected) =>
        Assert.Equal(expected, ImageUrlFetcher.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("img.example.com", "img.example.com", true)]
    [InlineData("IMG.example.com", "img.example.com", true)]
    [InlineData("a.img.example.com", "*.img.example.com", true)]
    [InlineData("evilimg.example.com", "*.img.example.com", false)]
    [InlineData("img.example.com.evil", "img.example.com", false)]
    public void Allowed_hosts_match_exactly_or_by_subdomain(string host, string allowed, bool expected) =>
        Assert.Equal(expected, ImageUrlFetcher.IsAllowedHost(host, [allowed]));

    private static RouteRequestView Map(string content)
    {
        var wire = JsonSerializer.Deserialize($$"""{"model":"m","messages":[{"role":"user","content":{{content}}}]}""", OpenAIJsonContext.Default.ChatCompletionRequest)!;
        var mapped = ChatRequestMapper.Map(wire, _ => 100);
        return new RouteRequestView(mapped.Messages, mapped.Options, mapped.ReservedTokens);
    }

    private sealed record RouteRequestView(IReadOnlyList<ChatMessage> Messages, ChatOptions Options, int ReservedTokens);

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string messages, string extra = "")
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        using (client)
        {
            return await client.PostAsync("/v1/chat/completions", new StringContent($$"""{"model":"pair","messages":{{messages}}{{extra}}}""", Encoding.UTF8, "application/json"));
        }
    }
}

using System.Diagnostics;
using System.Text.Json;

namespace Switchyard.BedrockEmulator.Tests;

/// <summary>
/// Real third-party clients against the emulator: tests/interop's node scripts with the AWS SDK for
/// JavaScript and the openai package, run with the endpoints in their environment.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class InteropTests(EmulatorHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_AWS_SDK_for_JavaScript_converses_streams_and_sees_throttling()
    {
        await host.AddFaultAsync(new { kind = "throttle", model = BedrockCalls.NovaLite });

        var result = await RunAsync("bedrock.mjs", new()
        {
            ["BEDROCK_ENDPOINT"] = host.Endpoint("us-east-1").ToString().TrimEnd('/'),
            ["ACCESS_KEY_ID"] = EmulatorHost.PrimaryAccessKey,
            ["SECRET_ACCESS_KEY"] = EmulatorHost.PrimarySecret,
            ["THROTTLED_MODEL"] = BedrockCalls.NovaLite,
        });

        var converse = result.GetProperty("converse");
        Assert.Equal("assistant", converse.GetProperty("role").GetString());
        Assert.Equal("end_turn", converse.GetProperty("stopReason").GetString());
        Assert.Equal((converse.GetProperty("text").GetString()!.Length + 3) / 4, converse.GetProperty("usage").GetProperty("outputTokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"],
            stream.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("max_tokens", stream.GetProperty("stopReason").GetString());
        Assert.Equal(10, stream.GetProperty("usage").GetProperty("outputTokens").GetInt32());

        Assert.Equal("InvalidSignatureException", result.GetProperty("badSignature").GetProperty("name").GetString());
        Assert.Equal(403, result.GetProperty("badSignature").GetProperty("status").GetInt32());

        var throttled = result.GetProperty("throttled");
        Assert.Equal("ThrottlingException", throttled.GetProperty("name").GetString());
        Assert.True(throttled.GetProperty("isThrottling").GetBoolean());
        Assert.Equal(429, throttled.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_openai_client_completes_streams_with_usage_and_sees_rate_limits()
    {
        await host.AddFaultAsync(new { kind = "throttle", region = "openai", model = BedrockCalls.NovaLite });

        var result = await RunAsync("openai.mjs", new()
        {
            ["OPENAI_BASE_URL"] = new Uri(host.Endpoint("openai"), "v1").ToString(),
            ["OPENAI_API_KEY"] = "sk-emulator-primary",
            ["THROTTLED_MODEL"] = BedrockCalls.NovaLite,
        });

        var completion = result.GetProperty("completion");
        Assert.Equal("stop", completion.GetProperty("finishReason").GetString());
        Assert.Equal((completion.GetProperty("text").GetString()!.Length + 3) / 4, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var stream = result.GetProperty("stream");
        Assert.Equal("length", stream.GetProperty("finishReason").GetString());
        Assert.Equal(7, stream.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(27, stream.GetProperty("text").GetString()!.Length);

        Assert.True(result.GetProperty("throttled").GetProperty("isRateLimit").GetBoolean());
        Assert.Contains("gpt-4o-mini", result.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }

    private static async Task<JsonElement> RunAsync(string script, Dictionary<string, string> environment)
    {
        var directory = InteropDirectory();
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules")),
            $"The node interop clients are not installed: run `npm ci --prefix tests/interop` from the repository root (missing {Path.Combine(directory, "node_modules")}).");

        var start = new ProcessStartInfo("node", ["--no-warnings", script])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var error = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node {script} exited with {node.ExitCode}:\n{await error}\n{await output}");
        return JsonDocument.Parse(await output).RootElement;
    }

    private static string InteropDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "interop");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/interop/package.json was not found above " + AppContext.BaseDirectory);
    }
}

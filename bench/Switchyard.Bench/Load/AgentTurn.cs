using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Bench.Load;

/// <summary>
/// A coding agent's request, made up here in the shape Claude Code sends (measured on its own request to a local
/// server: 115 KB, a 27 KB system prompt, 24 tools with 82 KB of descriptions and JSON schemas, a few KB of
/// conversation), with text of the same kind: lines of prose with quotes, backticks, &lt;example&gt; tags and
/// paths. Deterministic (a fixed seed), so every run sends the same bytes; written as a Messages body and as the
/// Chat Completions body with the same content (system message, function tools).
/// </summary>
public static class AgentTurn
{
    private const int Tools = 24;

    /// <summary>As JSON.stringify writes (Claude Code is JavaScript): only what JSON requires escaped.</summary>
    private static readonly JsonSerializerOptions AsClientsWrite = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Words =
        ["the", "file", "tool", "use", "when", "you", "must", "never", "path", "edit", "read", "search", "command", "output", "user", "task",
         "`git status`", "\"old_string\"", "<example>", "</example>", "e.g.", "IMPORTANT:", "/src/app.ts", "line", "it's", "don't", "&&", "->"];

    /// <summary>The Messages body (non-streaming, max_tokens 32) for <paramref name="model"/>.</summary>
    public static byte[] Messages(string model)
    {
        var (system, tools, turns) = Content();
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 32,
            ["system"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = system }),
            ["messages"] = new JsonArray([.. turns.Select(t => (JsonNode)new JsonObject { ["role"] = t.Role, ["content"] = t.Text })]),
            ["tools"] = new JsonArray([.. tools.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description, ["input_schema"] = t.Schema })]),
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString(AsClientsWrite));
    }

    /// <summary>The same content as a Chat Completions body (non-streaming, max_tokens 32) for <paramref name="model"/>.</summary>
    public static byte[] Chat(string model)
    {
        var (system, tools, turns) = Content();
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 32,
            ["messages"] = new JsonArray([new JsonObject { ["role"] = "system", ["content"] = system },
                .. turns.Select(t => (JsonNode)new JsonObject { ["role"] = t.Role, ["content"] = t.Text })]),
            ["tools"] = new JsonArray([.. tools.Select(t => (JsonNode)new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = t.Name, ["description"] = t.Description, ["parameters"] = t.Schema },
            })]),
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString(AsClientsWrite));
    }

    private static (string System, (string Name, string Description, JsonNode Schema)[] Tools, (string Role, string Text)[] Turns) Content()
    {
        var random = new Random(20261205);
        var system = Prose(random, 27_000);
        var tools = Enumerable.Range(0, Tools).Select(i =>
        {
            var properties = new JsonObject();
            for (var p = 0; p < 6; p++)
            {
                properties[$"param_{p}"] = new JsonObject { ["type"] = p % 3 == 0 ? "boolean" : "string", ["description"] = Prose(random, 200) };
            }

            JsonNode schema = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = properties,
                ["required"] = new JsonArray("param_1", "param_2"),
                ["additionalProperties"] = false,
                ["$schema"] = "http://json-schema.org/draft-07/schema#",
            };
            return ($"Tool{i}", Prose(random, 1_600), schema);
        }).ToArray();
        (string, string)[] turns = [("user", Prose(random, 5_000)), ("assistant", Prose(random, 800)), ("user", Prose(random, 1_200))];
        return (system, tools, turns);
    }

    /// <summary>About <paramref name="chars"/> characters of lines of words.</summary>
    private static string Prose(Random random, int chars)
    {
        var text = new StringBuilder(chars + 100);
        while (text.Length < chars)
        {
            var words = random.Next(6, 18);
            for (var i = 0; i < words; i++)
            {
                text.Append(Words[random.Next(Words.Length)]).Append(i + 1 < words ? " " : ".\n");
            }
        }

        return text.ToString();
    }
}

using System.Text;
using CsCheck;
using Switchyard.Tests.Fuzz;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Generates Chat Completions requests for <see cref="RouterHost"/>: a well-formed request (any of its
/// model groups or none, every role, text and image parts, tools, tool calls, response formats, streaming), then mutated as a
/// hostile or careless client would: members replaced by any JSON type, removed, duplicated or added,
/// nulls in arrays, arrays grown huge, numbers at and past the int and long bounds, unicode and escaped
/// lone surrogates, and about one body in eight corrupted byte-wise (truncated, invalid UTF-8, garbage).
/// Headers vary too: content type, and the Authorization header (missing, malformed, unknown key).
/// </summary>
public sealed class ChatRequestGen : Gen<FuzzCase>
{
    private static readonly string[] Models = ["pair", "pair", "solo", "solo", "primary", "backup", "no-such-group", "", "PAIR"];

    private static readonly string[] Roles = ["system", "developer", "user", "user", "user", "assistant", "assistant", "tool", "system", "user", "user", "robot"];

    /// <summary>
    /// Every member name the request schema has, so added members hit the parser's real paths, and some
    /// written with escapes ("ty\u0070e" is "type"; "\ud800" is no text at all).
    /// </summary>
    private static readonly string[] Keys =
    [
        "model", "messages", "role", "content", "type", "text", "tool_calls", "id", "function", "name", "arguments", "tools",
        "parameters", "description", "tool_choice", "stop", "stream", "stream_options", "include_usage", "max_tokens",
        "max_completion_tokens", "temperature", "top_p", "n", "user", "tool_call_id", "image_url", "url", "detail", "response_format",
        "json_schema", "schema", "strict", "seed", "logprobs", "metadata", "frequency_penalty", "parallel_tool_calls", "",
        "\"\\ud800\"", "\"ty\\u0070e\"", "\"\\u0074ext\"", "\"model\\udfff\"",
    ];

    private static readonly JsonFuzz Json = new(Keys, [.. Keys, .. Roles, .. Models, "text", "function", "auto"], JsonFuzz.EdgeNumbers);

    private static readonly string?[] ContentTypes =
    [
        "application/json", "application/json", "application/json", "application/json", "application/json; charset=utf-8",
        "text/plain", null, "application/x-www-form-urlencoded", "application/json; charset=utf-16", "*/*",
    ];

    private static readonly string?[] OddAuthorizations =
    [
        null, "Bearer ", "Bearer", "Basic dGVzdDp0ZXN0", "Bearer unknown-key", "bearer test-key", "Bearer  test-key ",
        "Bearer noisy-key", "Bearer closed-key", "Token test-key",
    ];

    public override FuzzCase Generate(PCG pcg, Size? min, out Size size)
    {
        size = new Size(0);
        var request = WellFormed(pcg);
        for (var mutations = Pick(pcg, [0, 0, 0, 1, 1, 1, 2, 3, 5]); mutations > 0; mutations--)
        {
            Json.Mutate(pcg, request);
        }

        var body = Encoding.UTF8.GetBytes(request.ToString());
        if (Chance(pcg, 12))
        {
            body = JsonFuzz.Corrupt(pcg, body);
        }

        var authorization = Between(pcg, 0, 99) switch
        {
            < 85 => "Bearer test-key",
            < 88 => "Bearer " + Draw(pcg, Gen.String.AlphaNumeric),
            _ => Pick(pcg, OddAuthorizations),
        };
        return new FuzzCase(body, Pick(pcg, ContentTypes), authorization);
    }

    private static JsonObject WellFormed(PCG pcg)
    {
        var request = new JsonObject([]).Add("model", JsonTree.String(Pick(pcg, Models)));
        var messages = new List<JsonTree>();
        for (var i = Between(pcg, 1, 3); i > 0; i--)
        {
            messages.Add(Message(pcg));
        }

        request.Add("messages", new JsonArray(messages));
        if (Chance(pcg, 40))
        {
            request.Add(Chance(pcg, 50) ? "max_tokens" : "max_completion_tokens", Chance(pcg, 30) ? JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeNumbers)) : JsonTree.Number(Between(pcg, 1, 100)));
        }

        if (Chance(pcg, 20))
        {
            request.Add("temperature", JsonTree.Raw(Chance(pcg, 70) ? "0.7" : Pick(pcg, JsonFuzz.EdgeNumbers)));
        }

        if (Chance(pcg, 10))
        {
            request.Add("top_p", JsonTree.Raw(Chance(pcg, 70) ? "0.9" : Pick(pcg, JsonFuzz.EdgeNumbers)));
        }

        if (Chance(pcg, 5))
        {
            request.Add("n", JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeNumbers)));
        }

        if (Chance(pcg, 15))
        {
            request.Add("stop", Chance(pcg, 50) ? JsonTree.String("END") : new JsonArray([JsonTree.String("a"), JsonTree.String("b")]));
        }

        if (Chance(pcg, 30))
        {
            request.Add("stream", JsonTree.Raw("true"));
            if (Chance(pcg, 50))
            {
                request.Add("stream_options", new JsonObject([]).Add("include_usage", JsonTree.Raw("true")));
            }
        }

        if (Chance(pcg, 25))
        {
            var tools = new List<JsonTree>();
            for (var i = Between(pcg, 1, 3); i > 0; i--)
            {
                tools.Add(new JsonObject([]).Add("type", JsonTree.String("function")).Add("function", new JsonObject([])
                    .Add("name", JsonTree.String(Pick(pcg, ["lookup", "weather", "", "x"])))
                    .Add("description", JsonTree.String("Looks things up"))
                    .Add("parameters", new JsonObject([]).Add("type", JsonTree.String("object")).Add("properties", new JsonObject([])))));
            }

            request.Add("tools", new JsonArray(tools));
            if (Chance(pcg, 50))
            {
                request.Add("tool_choice", Chance(pcg, 50)
                    ? JsonTree.String(Pick(pcg, ["auto", "none", "required", "sometimes"]))
                    : new JsonObject([]).Add("type", JsonTree.String("function")).Add("function", new JsonObject([]).Add("name", JsonTree.String("lookup"))));
            }
        }

        if (Chance(pcg, 10))
        {
            request.Add("user", Json.Value(pcg, depth: 2));
        }

        if (Chance(pcg, 15))
        {
            request.Add("response_format", Between(pcg, 0, 5) switch
            {
                0 => new JsonObject([]).Add("type", JsonTree.String("text")),
                1 => new JsonObject([]).Add("type", JsonTree.String("json_object")),
                2 => new JsonObject([]).Add("type", JsonTree.String(Pick(pcg, ["yaml", "", "JSON_OBJECT"]))),
                _ => new JsonObject([]).Add("type", JsonTree.String("json_schema")).Add("json_schema", new JsonObject([])
                    .Add("name", JsonTree.String(Pick(pcg, ["answer", "a b", "", "x"])))
                    .Add("strict", JsonTree.Raw("true"))
                    .Add("schema", Chance(pcg, 75)
                        ? new JsonObject([]).Add("type", JsonTree.String("object")).Add("properties", new JsonObject([]).Add("a", new JsonObject([]).Add("type", JsonTree.String("string"))))
                        : Json.Value(pcg, depth: 2))),
            });
        }

        if (Chance(pcg, 5))
        {
            request.Add(Pick(pcg, ["seed", "logprobs", "metadata", "frequency_penalty", "parallel_tool_calls", "logit_bias", "temprature"]), Json.Value(pcg, depth: 1));
        }

        return request;
    }

    private static JsonObject Message(PCG pcg)
    {
        var role = Pick(pcg, Roles);
        var message = new JsonObject([]).Add("role", JsonTree.String(role));
        switch (role)
        {
            case "assistant" when Chance(pcg, 50):
                message.Add("content", JsonTree.Null);
                message.Add("tool_calls", new JsonArray([new JsonObject([])
                    .Add("id", JsonTree.String("call_1")).Add("type", JsonTree.String("function"))
                    .Add("function", new JsonObject([]).Add("name", JsonTree.String("lookup")).Add("arguments", JsonTree.String(Pick(pcg, ["{\"q\":\"x\"}", "{}", "", "[1]", "{\"a\":", "null"]))))]));
                break;
            case "tool":
                message.Add("tool_call_id", JsonTree.String("call_1")).Add("content", Text(pcg));
                break;
            case "user" when Chance(pcg, 15):
                message.Add("content", new JsonArray([
                    new JsonObject([]).Add("type", JsonTree.String("text")).Add("text", Text(pcg)),
                    new JsonObject([]).Add("type", JsonTree.String("image_url")).Add("image_url", new JsonObject([])
                        .Add("url", JsonTree.String(Pick(pcg, ImageUrls))).Add("detail", JsonTree.String(Pick(pcg, ["auto", "low", "ultra"])))),
                ]));
                break;
            default:
                message.Add("content", Chance(pcg, 25)
                    ? new JsonArray([new JsonObject([]).Add("type", JsonTree.String("text")).Add("text", Text(pcg))])
                    : Text(pcg));
                break;
        }

        return message;
    }

    /// <summary>A good png, bad base64, a type that lies, an unsupported type, and URLs the Router does not fetch (fetching is off).</summary>
    private static readonly string[] ImageUrls =
    [
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgECAwQ=", "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgECAwQ=", "data:image/png;base64,%%%",
        "data:image/jpeg;base64,iVBORw0KGgoAAAANSUhEUgECAwQ=", "data:image/bmp;base64,Qk0=", "data:,", "https://example.com/a.png",
        "http://169.254.169.254/latest/meta-data", "file:///etc/passwd", "",
    ];

    private static JsonTree Text(PCG pcg) => Between(pcg, 0, 19) switch
    {
        < 12 => JsonTree.String("Hello, how are you?"),
        < 16 => JsonTree.String(Draw(pcg, Gen.String)),
        < 19 => JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeStringTokens)),
        _ => JsonTree.String(new string('x', Between(pcg, 100, 5000))), // the test host allows 4,096 bytes
    };
}

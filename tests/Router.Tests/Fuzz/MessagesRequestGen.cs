using System.Text;
using CsCheck;
using Switchyard.Tests.Fuzz;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Generates Anthropic Messages requests for <see cref="RouterHost"/>, as <see cref="ChatRequestGen"/> does
/// Chat Completions ones: a well-formed request (system as a string or blocks, every block type, tools and
/// tool results, images, cache_control, streaming, count_tokens), then mutated as a hostile or careless
/// client would, about one body in eight corrupted byte-wise. The key comes as x-api-key or a bearer token,
/// or is missing, malformed or unknown.
/// </summary>
public sealed class MessagesRequestGen : Gen<FuzzCase>
{
    private static readonly string[] Models = ["pair", "pair", "solo", "solo", "primary", "no-such-group", "", "PAIR"];

    private static readonly string[] Roles = ["user", "user", "user", "assistant", "assistant", "system", "tool", "robot"];

    private static readonly string[] Paths = ["/v1/messages", "/v1/messages", "/v1/messages", "/messages", "/v1/messages?beta=true", "/v1/messages/count_tokens", "/v1/messages/batches"];

    private static readonly string[] Keys =
    [
        "model", "messages", "role", "content", "type", "text", "system", "max_tokens", "stop_sequences", "stream", "temperature",
        "top_p", "top_k", "tools", "name", "description", "input_schema", "tool_choice", "metadata", "user_id", "id", "input",
        "tool_use_id", "is_error", "source", "media_type", "data", "cache_control", "ttl", "thinking", "", "\"\\ud800\"", "\"ty\\u0070e\"",
    ];

    private static readonly string[] BlockTypes = ["text", "image", "tool_use", "tool_result", "thinking", "document", "ephemeral"];

    private static readonly JsonFuzz Json = new(Keys, [.. Keys, .. Roles, .. Models, .. BlockTypes, "auto", "any", "base64", "image/png"], JsonFuzz.EdgeNumbers);

    private static readonly string?[] ContentTypes = ["application/json", "application/json", "application/json", "application/json; charset=utf-8", "text/plain", null];

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

        var (authorization, headers) = Between(pcg, 0, 99) switch
        {
            < 45 => ((string?)"Bearer test-key", new List<KeyValuePair<string, string>>()),
            < 88 => (null, [KeyValuePair.Create("x-api-key", "test-key"), KeyValuePair.Create("anthropic-version", "2023-06-01")]),
            < 92 => (null, [KeyValuePair.Create("x-api-key", Draw(pcg, Gen.String.AlphaNumeric))]),
            < 95 => (null, [KeyValuePair.Create("anthropic-beta", "unknown-beta,prompt-caching-2024-07-31")]),
            _ => ("Bearer noisy-key", []),
        };
        return new FuzzCase(body, Pick(pcg, ContentTypes), authorization, Pick(pcg, Paths), headers);
    }

    private static JsonObject WellFormed(PCG pcg)
    {
        var request = new JsonObject([]).Add("model", JsonTree.String(Pick(pcg, Models)));
        if (Chance(pcg, 90))
        {
            request.Add("max_tokens", Chance(pcg, 20) ? JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeNumbers)) : JsonTree.Number(Between(pcg, 1, 100)));
        }

        if (Chance(pcg, 30))
        {
            request.Add("system", Chance(pcg, 50)
                ? Text(pcg)
                : new JsonArray([Block(pcg, "text", cache: Chance(pcg, 50))]));
        }

        var messages = new List<JsonTree>();
        for (var i = Between(pcg, 1, 3); i > 0; i--)
        {
            messages.Add(Message(pcg));
        }

        request.Add("messages", new JsonArray(messages));
        if (Chance(pcg, 15))
        {
            request.Add("temperature", JsonTree.Raw(Chance(pcg, 70) ? "0.7" : Pick(pcg, JsonFuzz.EdgeNumbers)));
        }

        if (Chance(pcg, 10))
        {
            request.Add(Chance(pcg, 50) ? "top_p" : "top_k", JsonTree.Raw(Chance(pcg, 70) ? "0.5" : Pick(pcg, JsonFuzz.EdgeNumbers)));
        }

        if (Chance(pcg, 10))
        {
            request.Add("stop_sequences", new JsonArray([JsonTree.String("END"), Chance(pcg, 80) ? JsonTree.String("STOP") : JsonTree.Null]));
        }

        if (Chance(pcg, 30))
        {
            request.Add("stream", JsonTree.Raw("true"));
        }

        if (Chance(pcg, 10))
        {
            request.Add("metadata", Chance(pcg, 60) ? new JsonObject([]).Add("user_id", JsonTree.String("u1")) : Json.Value(pcg, depth: 2));
        }

        if (Chance(pcg, 25))
        {
            request.Add("tools", new JsonArray([new JsonObject([])
                .Add("name", JsonTree.String(Pick(pcg, ["weather", "", "x"])))
                .Add("description", JsonTree.String("Weather by city"))
                .Add("input_schema", new JsonObject([]).Add("type", JsonTree.String("object")).Add("properties", new JsonObject([])))]));
            if (Chance(pcg, 50))
            {
                request.Add("tool_choice", new JsonObject([]).Add("type", JsonTree.String(Pick(pcg, ["auto", "any", "tool", "none", "sometimes"]))).Add("name", JsonTree.String("weather")));
            }
        }

        return request;
    }

    private static JsonObject Message(PCG pcg)
    {
        var role = Pick(pcg, Roles);
        var message = new JsonObject([]).Add("role", JsonTree.String(role));
        if (Chance(pcg, 30))
        {
            return message.Add("content", Text(pcg));
        }

        var blocks = new List<JsonTree>();
        for (var i = Between(pcg, 1, 3); i > 0; i--)
        {
            blocks.Add(Block(pcg, Pick(pcg, BlockTypes), cache: Chance(pcg, 15)));
        }

        return message.Add("content", new JsonArray(blocks));
    }

    private static JsonObject Block(PCG pcg, string type, bool cache)
    {
        var block = new JsonObject([]).Add("type", JsonTree.String(type));
        switch (type)
        {
            case "image":
                block.Add("source", new JsonObject([]).Add("type", JsonTree.String(Pick(pcg, ["base64", "base64", "url"])))
                    .Add("media_type", JsonTree.String(Pick(pcg, ["image/png", "image/png", "image/bmp"])))
                    .Add("data", JsonTree.String(Pick(pcg, ["iVBORw0KGgo=", "iVBORw0KGgo=", "%%%", ""]))));
                break;
            case "tool_use":
                block.Add("id", JsonTree.String("toolu_1")).Add("name", JsonTree.String("weather"))
                    .Add("input", Chance(pcg, 80) ? new JsonObject([]).Add("city", JsonTree.String("Paris")) : Json.Value(pcg, depth: 1));
                break;
            case "tool_result":
                block.Add("tool_use_id", JsonTree.String("toolu_1")).Add("content", Chance(pcg, 50) ? Text(pcg) : new JsonArray([Block(pcg, "text", cache: false)]));
                if (Chance(pcg, 20))
                {
                    block.Add("is_error", JsonTree.Raw("true"));
                }

                break;
            case "thinking":
                block.Add("thinking", Text(pcg)).Add("signature", JsonTree.String("sig"));
                break;
            default:
                block.Add("text", Text(pcg));
                break;
        }

        if (cache)
        {
            block.Add("cache_control", new JsonObject([]).Add("type", JsonTree.String(Pick(pcg, ["ephemeral", "ephemeral", "forever"]))));
        }

        return block;
    }

    private static JsonTree Text(PCG pcg) => Between(pcg, 0, 19) switch
    {
        < 12 => JsonTree.String("Hello, how are you?"),
        < 16 => JsonTree.String(Draw(pcg, Gen.String)),
        < 19 => JsonTree.Raw(Pick(pcg, JsonFuzz.EdgeStringTokens)),
        _ => JsonTree.String(new string('x', Between(pcg, 100, 5000))), // the test host allows 4,096 bytes
    };
}

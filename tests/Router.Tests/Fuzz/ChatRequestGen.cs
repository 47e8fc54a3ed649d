using System.Globalization;
using System.Text;
using CsCheck;

namespace Switchyard.Router.Tests.Fuzz;

/// <summary>
/// Generates Chat Completions requests for <see cref="RouterHost"/>: a well-formed request (any of its
/// model groups or none, every role, text parts, tools, tool calls, streaming), then mutated as a
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
        "max_completion_tokens", "temperature", "top_p", "n", "user", "tool_call_id", "image_url", "url", "",
        "\"\\ud800\"", "\"ty\\u0070e\"", "\"\\u0074ext\"", "\"model\\udfff\"",
    ];

    /// <summary>Number literals at the edges of int, long, float and double, and past them.</summary>
    private static readonly string[] EdgeNumbers =
    [
        "0", "1", "-1", "2", "4096", "8192", "8193", "32768", "32769", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "1e400", "-1e400", "1e-400", "3.4028235e38", "3.5e38", "1.7976931348623157e308", "0.5", "1.5", "2.0000001", "-0", "-0.0",
        "1E2", "100000000000000000000000000000000000000000000000000",
    ];

    /// <summary>Strings a parser may trip over: empties, controls, escapes of lone surrogates, bidi, emoji, NUL.</summary>
    private static readonly string[] EdgeStringTokens =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"a\\ud800b\"", "\"\\\\\"",
        "\"\\n\\t\\r\"", "\"\u202e\u0645\u0631\u062d\u0628\u0627\"", "\"\U0001F600\U0001F680\"", "\"\uFEFF\"", "\"\u00e9\u4e2d\u6587\"",
    ];

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
            Mutate(pcg, request);
        }

        var body = Encoding.UTF8.GetBytes(request.ToString());
        if (Chance(pcg, 12))
        {
            body = Corrupt(pcg, body);
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
            request.Add(Chance(pcg, 50) ? "max_tokens" : "max_completion_tokens", Chance(pcg, 30) ? JsonTree.Raw(Pick(pcg, EdgeNumbers)) : JsonTree.Number(Between(pcg, 1, 100)));
        }

        if (Chance(pcg, 20))
        {
            request.Add("temperature", JsonTree.Raw(Chance(pcg, 70) ? "0.7" : Pick(pcg, EdgeNumbers)));
        }

        if (Chance(pcg, 10))
        {
            request.Add("top_p", JsonTree.Raw(Chance(pcg, 70) ? "0.9" : Pick(pcg, EdgeNumbers)));
        }

        if (Chance(pcg, 5))
        {
            request.Add("n", JsonTree.Raw(Pick(pcg, EdgeNumbers)));
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
            request.Add("user", Value(pcg, depth: 2));
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
            default:
                message.Add("content", Chance(pcg, 25)
                    ? new JsonArray([new JsonObject([]).Add("type", JsonTree.String("text")).Add("text", Text(pcg))])
                    : Text(pcg));
                break;
        }

        return message;
    }

    private static JsonTree Text(PCG pcg) => Between(pcg, 0, 19) switch
    {
        < 12 => JsonTree.String("Hello, how are you?"),
        < 16 => JsonTree.String(Draw(pcg, Gen.String)),
        < 19 => JsonTree.Raw(Pick(pcg, EdgeStringTokens)),
        _ => JsonTree.String(new string('x', Between(pcg, 100, 5000))), // the test host allows 4,096 bytes
    };

    /// <summary>Any JSON value: scalars of every type, and (up to <paramref name="depth"/>) arrays and objects of them.</summary>
    private static JsonTree Value(PCG pcg, int depth) => Between(pcg, 0, depth > 0 ? 13 : 9) switch
    {
        0 or 1 => JsonTree.Null,
        2 => JsonTree.Raw(Chance(pcg, 50) ? "true" : "false"),
        3 or 4 => JsonTree.Raw(Pick(pcg, EdgeNumbers)),
        5 => JsonTree.Number(Draw(pcg, Gen.Long)),
        6 => JsonTree.Raw(Draw(pcg, Gen.Double) is var d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0"),
        7 => JsonTree.String(Pick(pcg, [.. Keys, .. Roles, .. Models, "text", "function", "auto"])),
        8 => JsonTree.Raw(Pick(pcg, EdgeStringTokens)),
        9 => JsonTree.String(Draw(pcg, Gen.String)),
        10 or 11 => new JsonArray([.. Enumerable.Range(0, Between(pcg, 0, 3)).Select(_ => Value(pcg, depth - 1))]),
        _ => new JsonObject([.. Enumerable.Range(0, Between(pcg, 0, 3)).Select(_ => new KeyValuePair<string, JsonTree>(Pick(pcg, Keys), Value(pcg, depth - 1)))]),
    };

    /// <summary>One structural change at a node chosen uniformly from the whole document.</summary>
    private static void Mutate(PCG pcg, JsonObject request)
    {
        var containers = new List<JsonTree>();
        Collect(request, containers);
        switch (Pick(pcg, containers))
        {
            case JsonObject obj when obj.Members.Count > 0 && Chance(pcg, 70):
                var at = Between(pcg, 0, obj.Members.Count - 1);
                var key = obj.Members[at].Key;
                _ = Between(pcg, 0, 4) switch
                {
                    0 => Do(() => obj.Members.RemoveAt(at)),
                    1 => Do(() => obj.Members.Add(obj.Members[at])), // a duplicate key
                    2 => Do(() => obj.Members[at] = new(key, new JsonArray([obj.Members[at].Value]))),
                    _ => Do(() => obj.Members[at] = new(key, Value(pcg, depth: 2))),
                };
                break;
            case JsonObject obj:
                obj.Add(Pick(pcg, Keys), Value(pcg, depth: 2));
                break;
            case JsonArray array when array.Items.Count > 0 && Chance(pcg, 60):
                var index = Between(pcg, 0, array.Items.Count - 1);
                array.Items[index] = Chance(pcg, 40) ? JsonTree.Null : Value(pcg, depth: 2);
                break;
            case JsonArray array:
                // Grow it: a few more values, or (an array of the same small value) thousands.
                var huge = Chance(pcg, 30);
                var item = huge ? Pick(pcg, [JsonTree.Null, JsonTree.Raw("0"), new JsonObject([]), JsonTree.String("")]) : Value(pcg, depth: 1);
                array.Items.AddRange(Enumerable.Repeat(item, huge ? Between(pcg, 100, 3000) : Between(pcg, 0, 3)));
                if (Chance(pcg, 10))
                {
                    array.Items.Clear();
                }

                break;
        }
    }

    private static void Collect(JsonTree node, List<JsonTree> containers)
    {
        switch (node)
        {
            case JsonObject obj:
                containers.Add(obj);
                foreach (var member in obj.Members)
                {
                    Collect(member.Value, containers);
                }

                break;
            case JsonArray array:
                containers.Add(array);
                foreach (var item in array.Items.Take(8)) // a grown array's thousands of copies add nothing new
                {
                    Collect(item, containers);
                }

                break;
        }
    }

    private static byte[] Corrupt(PCG pcg, byte[] body)
    {
        var bytes = new List<byte>(body);
        switch (Between(pcg, 0, 5))
        {
            case 0:
                return body[..Between(pcg, 0, body.Length)]; // truncated
            case 1:
                bytes.Insert(Between(pcg, 0, bytes.Count), Pick(pcg, new byte[] { 0xFF, 0xC0, 0x80, 0xED, 0xF8, 0x00, 0x7F }));
                return [.. bytes];
            case 2:
                var at = Between(pcg, 0, Math.Max(0, bytes.Count - 1));
                if (bytes.Count > 0)
                {
                    bytes[at] = (byte)pcg.Next(256);
                }

                return [.. bytes];
            case 3:
                return [0xEF, 0xBB, 0xBF, .. bytes]; // a UTF-8 byte order mark
            case 4:
                return [.. bytes, .. Encoding.UTF8.GetBytes(Pick(pcg, ["}", "]", ",", " garbage", "{}", "\0"]))];
            default:
                return [.. Encoding.UTF8.GetBytes(Draw(pcg, Gen.String))];
        }
    }

    private static bool Do(Action action)
    {
        action();
        return true;
    }

    private static T Draw<T>(PCG pcg, Gen<T> gen) => gen.Generate(pcg, null, out _);

    private static int Between(PCG pcg, int low, int high) => low + (int)pcg.Next((uint)(high - low + 1));

    private static bool Chance(PCG pcg, int percent) => pcg.Next(100) < percent;

    private static T Pick<T>(PCG pcg, IReadOnlyList<T> items) => items[(int)pcg.Next((uint)items.Count)];
}

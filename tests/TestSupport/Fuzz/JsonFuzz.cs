using System.Globalization;
using System.Text;
using CsCheck;
using static Switchyard.Tests.Fuzz.FuzzDraw;

namespace Switchyard.Tests.Fuzz;

/// <summary>
/// The protocol-free half of a request fuzzer: any JSON value, structural mutations of a document, and
/// byte-wise corruption of its text. A protocol's generator gives its member names (<paramref name="keys"/>,
/// some written with escapes), the words its values may be (<paramref name="words"/>) and the number
/// literals at its bounds (<paramref name="edgeNumbers"/>), and builds the well-formed requests itself.
/// </summary>
public sealed class JsonFuzz(IReadOnlyList<string> keys, IReadOnlyList<string> words, IReadOnlyList<string> edgeNumbers)
{
    /// <summary>Number literals at the edges of int, long, float and double, and past them.</summary>
    public static readonly string[] EdgeNumbers =
    [
        "0", "1", "-1", "2", "4096", "8192", "8193", "32768", "32769", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "1e400", "-1e400", "1e-400", "3.4028235e38", "3.5e38", "1.7976931348623157e308", "0.5", "1.5", "2.0000001", "-0", "-0.0",
        "1E2", "100000000000000000000000000000000000000000000000000",
    ];

    /// <summary>Strings a parser may trip over: empties, controls, escapes of lone surrogates, bidi, emoji, NUL.</summary>
    public static readonly string[] EdgeStringTokens =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"a\\ud800b\"", "\"\\\\\"",
        "\"\\n\\t\\r\"", "\"\u202e\u0645\u0631\u062d\u0628\u0627\"", "\"\U0001F600\U0001F680\"", "\"\uFEFF\"", "\"\u00e9\u4e2d\u6587\"",
    ];

    /// <summary>Any JSON value: scalars of every type, and (up to <paramref name="depth"/>) arrays and objects of them.</summary>
    public JsonTree Value(PCG pcg, int depth) => Between(pcg, 0, depth > 0 ? 13 : 9) switch
    {
        0 or 1 => JsonTree.Null,
        2 => JsonTree.Raw(Chance(pcg, 50) ? "true" : "false"),
        3 or 4 => JsonTree.Raw(Pick(pcg, edgeNumbers)),
        5 => JsonTree.Number(Draw(pcg, Gen.Long)),
        6 => JsonTree.Raw(Draw(pcg, Gen.Double) is var d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0"),
        7 => JsonTree.String(Pick(pcg, words)),
        8 => JsonTree.Raw(Pick(pcg, EdgeStringTokens)),
        9 => JsonTree.String(Draw(pcg, Gen.String)),
        10 or 11 => new JsonArray([.. Enumerable.Range(0, Between(pcg, 0, 3)).Select(_ => Value(pcg, depth - 1))]),
        _ => new JsonObject([.. Enumerable.Range(0, Between(pcg, 0, 3)).Select(_ => new KeyValuePair<string, JsonTree>(Pick(pcg, keys), Value(pcg, depth - 1)))]),
    };

    /// <summary>One structural change at a node chosen uniformly from the whole document.</summary>
    public void Mutate(PCG pcg, JsonObject document)
    {
        var containers = new List<JsonTree>();
        Collect(document, containers);
        switch (Pick(pcg, containers))
        {
            case JsonObject obj when obj.Members.Count > 0 && Chance(pcg, 70):
                var at = Between(pcg, 0, obj.Members.Count - 1);
                var key = obj.Members[at].Key;
                switch (Between(pcg, 0, 4))
                {
                    case 0:
                        obj.Members.RemoveAt(at);
                        break;
                    case 1:
                        obj.Members.Add(obj.Members[at]); // a duplicate key
                        break;
                    case 2:
                        obj.Members[at] = new(key, new JsonArray([obj.Members[at].Value]));
                        break;
                    default:
                        obj.Members[at] = new(key, Value(pcg, depth: 2));
                        break;
                }

                break;
            case JsonObject obj:
                obj.Add(Pick(pcg, keys), Value(pcg, depth: 2));
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

    /// <summary>A body broken byte-wise: truncated, invalid UTF-8, a random byte, a BOM, trailing garbage, or no JSON at all.</summary>
    public static byte[] Corrupt(PCG pcg, byte[] body)
    {
        var bytes = new List<byte>(body);
        switch (Between(pcg, 0, 5))
        {
            case 0:
                return body[..Between(pcg, 0, body.Length)];
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
                return [0xEF, 0xBB, 0xBF, .. bytes];
            case 4:
                return [.. bytes, .. Encoding.UTF8.GetBytes(Pick(pcg, ["}", "]", ",", " garbage", "{}", "\0"]))];
            default:
                return [.. Encoding.UTF8.GetBytes(Draw(pcg, Gen.String))];
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
}

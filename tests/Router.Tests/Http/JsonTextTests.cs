using System.Text;
using System.Text.Json;
using CsCheck;
using Switchyard.Router.Http;

namespace Switchyard.Router.Tests.Http;

/// <summary>
/// <see cref="JsonText.IsText(JsonElement)"/> reads raw bytes; the oracle decodes every string and member name as
/// a door would, and the two must agree on JSON built from the pieces that decide it: one-character escapes, \u
/// escapes of every kind (surrogates paired, lone, reversed, in either case), an escaped backslash before a "u",
/// multi-byte UTF-8, and bytes that are not UTF-8 (invalid, truncated, overlong, an encoded surrogate, past U+10FFFF).
/// </summary>
public sealed class JsonTextTests
{
    private static readonly byte[][] Pieces =
    [
        "a"u8.ToArray(), "u"u8.ToArray(), "d800"u8.ToArray(), " "u8.ToArray(),
        @"\n"u8.ToArray(), @"\"""u8.ToArray(), @"\\"u8.ToArray(), @"\/"u8.ToArray(), @"\t"u8.ToArray(),
        @"\u0041"u8.ToArray(), @"\u00e9"u8.ToArray(), @"\u4E2D"u8.ToArray(), @"\u0000"u8.ToArray(),
        @"\ud83d"u8.ToArray(), @"\uD800"u8.ToArray(), @"\udbff"u8.ToArray(),
        @"\ude00"u8.ToArray(), @"\uDC00"u8.ToArray(), @"\uDFFF"u8.ToArray(),
        @"\ud83d\ude00"u8.ToArray(), @"\\ud800"u8.ToArray(),
        "é"u8.ToArray(), "中"u8.ToArray(), "😀"u8.ToArray(),
        [0xFF], [0x80], [0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8],
    ];

    private static readonly Gen<byte[]> Text = Gen.Int[0, Pieces.Length - 1].Array[0, 5]
        .Select(picks => picks.SelectMany(i => Pieces[i]).ToArray());

    /// <summary>An object whose member names and string values (flat, in an array, in a nested object) are generated texts.</summary>
    private static readonly Gen<byte[]> Json = Gen.Select(Text.Array[0, 3], Text.Array[0, 3], Text, Gen.Int[0, 2])
        .Select((names, values, nested, shape) =>
        {
            var json = new List<byte>("{"u8.ToArray());
            void Str(byte[] text) => json.AddRange([(byte)'"', .. text, (byte)'"']);
            for (var i = 0; i < names.Length; i++)
            {
                if (i > 0)
                {
                    json.Add((byte)',');
                }

                Str(names[i]);
                json.Add((byte)':');
                var value = i < values.Length ? values[i] : [];
                switch ((i + shape) % 3)
                {
                    case 0:
                        Str(value);
                        break;
                    case 1:
                        json.Add((byte)'[');
                        Str(value);
                        json.AddRange(",1,true,null,"u8.ToArray());
                        Str(nested);
                        json.Add((byte)']');
                        break;
                    default:
                        json.AddRange("{\"k\":"u8.ToArray());
                        Str(nested);
                        json.AddRange(",\"n\":2.5}"u8.ToArray());
                        break;
                }
            }

            json.Add((byte)'}');
            return json.ToArray();
        });

    [Fact]
    public void The_raw_check_agrees_with_decoding_every_string()
    {
        var outcomes = new HashSet<bool>();
        Json.Sample(bytes =>
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(bytes);
            }
            catch (JsonException)
            {
                return;
            }

            using (document)
            {
                var expected = Decodes(document.RootElement);
                Assert.True(expected == JsonText.IsText(document.RootElement), Encoding.Latin1.GetString(bytes));
                Assert.Equal(expected, JsonText.IsText(bytes));
                lock (outcomes)
                {
                    outcomes.Add(expected);
                }
            }
        }, iter: 20_000);

        // Both answers were reached, so the agreement above is not one side agreeing with itself.
        Assert.Equal([false, true], outcomes.Order());
    }

    [Theory]
    [InlineData("""{"a":"\ud83d\ude00"}""", true)]
    [InlineData("""{"a":"\ud83d"}""", false)]
    [InlineData("""{"a":"\ude00\ud83d"}""", false)]
    [InlineData("""{"\udfff":1}""", false)]
    [InlineData("""{"a":"\\ud800"}""", true)]
    [InlineData("""{"a":"\\\ud800"}""", false)]
    [InlineData("""["\u00e9","\n\"\/"]""", true)]
    public void Escapes_are_judged_as_decoding_judges_them(string json, bool text)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(text, Decodes(document.RootElement));
        Assert.Equal(text, JsonText.IsText(document.RootElement));
    }

    /// <summary>The oracle: every string and member name read as .NET strings, as a door reading the value would.</summary>
    private static bool Decodes(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Array => element.EnumerateArray().All(Decodes),
                JsonValueKind.Object => element.EnumerateObject().All(member => member.Name is not null && Decodes(member.Value)),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

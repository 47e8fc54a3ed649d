using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchyard.Router.Http;

/// <summary>
/// Whether a JSON value is text throughout. A string or member name may hold an escaped lone surrogate ("\ud800")
/// or bytes that are not UTF-8: both parse, and throw only when read. A door checks the free-form values it copies
/// instead of reading (tool inputs, schemas, a whole Converse body) before they go further, so such a value is the
/// client's 400, never a 500 later on.
/// </summary>
/// <remarks>
/// The check reads the value's raw bytes, not its strings: a coding agent sends dozens of tool schemas per request,
/// and decoding every string of them into a .NET string only to drop it was a cost per request in proportion
/// to their size. The raw text decodes exactly when it is valid UTF-8 and every escaped surrogate is half of an
/// escaped pair (what <see cref="JsonElement.GetString"/> and <see cref="JsonProperty.Name"/> require); a
/// property test holds this equal to decoding every string.
/// </remarks>
public static class JsonText
{
    /// <summary>Whether every string and member name of the value decodes.</summary>
    public static bool IsText(JsonElement element) => IsText(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>Whether every string and member name of <paramref name="json"/>, JSON that parsed, decodes.</summary>
    public static bool IsText(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return false;
        }

        // In JSON that parsed, a backslash only starts an escape inside a string, and \u has four hex digits.
        var rest = json;
        while (rest.IndexOf((byte)'\\') is var slash and >= 0)
        {
            rest = rest[(slash + 1)..];
            if (rest.IsEmpty)
            {
                return false;
            }

            if (rest[0] != (byte)'u')
            {
                // A one-character escape (\n, \", \\ ...): the character after the backslash is not another escape's start.
                rest = rest[1..];
                continue;
            }

            if (rest.Length < 5)
            {
                return false;
            }

            var unit = Hex(rest[1..5]);
            rest = rest[5..];
            if (char.IsLowSurrogate(unit))
            {
                return false;
            }

            if (char.IsHighSurrogate(unit))
            {
                if (rest is not [(byte)'\\', (byte)'u', _, _, _, _, ..] || !char.IsLowSurrogate(Hex(rest[2..6])))
                {
                    return false;
                }

                rest = rest[6..];
            }
        }

        return true;
    }

    private static char Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            value = (value << 4) | (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return (char)value;
    }
}

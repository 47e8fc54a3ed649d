namespace Switchyard.Router.OpenAI;

/// <summary>The image formats Bedrock Converse takes (its <c>ImageFormat</c> enum), recognised by their signatures.</summary>
public sealed record ImageFormat(string Name, string MediaType)
{
    public static readonly ImageFormat Png = new("png", "image/png");
    public static readonly ImageFormat Jpeg = new("jpeg", "image/jpeg");
    public static readonly ImageFormat Gif = new("gif", "image/gif");
    public static readonly ImageFormat Webp = new("webp", "image/webp");

    public static ImageFormat? FromMediaType(string mediaType) => mediaType switch
    {
        "image/png" => Png,
        "image/jpeg" or "image/jpg" => Jpeg,
        "image/gif" => Gif,
        "image/webp" => Webp,
        _ => null,
    };

    /// <summary>The format whose signature <paramref name="data"/> starts with; null for anything else.</summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> data) => data switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => Gif,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => Webp,
        _ => null,
    };
}

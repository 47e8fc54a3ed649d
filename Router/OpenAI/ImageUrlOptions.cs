using System.ComponentModel.DataAnnotations;

namespace Switchyard.Router.OpenAI;

/// <summary>
/// Whether and how the Router fetches https <c>image_url</c>s itself (section "ImageUrls"). Off by default:
/// fetching a client's URL makes the Router a client of whatever the URL names, so it is opt-in, limited to
/// public addresses and, when <see cref="AllowedHosts"/> is set, to those hosts.
/// </summary>
public sealed class ImageUrlOptions
{
    public const string SectionName = "ImageUrls";

    public bool Enabled { get; set; }

    /// <summary>Hosts images may come from: exact names, or <c>*.example.com</c> for its subdomains. Empty: any public host.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Largest image fetched; Bedrock takes at most 3.75 MB.</summary>
    [Range(1, ImagePartReader.MaxImageBytes)]
    public int MaxBytes { get; set; } = ImagePartReader.MaxImageBytes;

    /// <summary>Time for one image, connection, redirects and body included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Lets URLs resolve to loopback, private, link-local and other non-public addresses (an internal image
    /// host). Off by default: otherwise any client could reach the Router's own network (cloud metadata at
    /// 169.254.169.254, admin ports).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}

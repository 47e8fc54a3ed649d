using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Chat;

/// <summary>One browser session's conversation and its choices; kept in Redis so a reload finds it again.</summary>
public sealed class ChatTranscript
{
    /// <summary>
    /// The demo tenant by default, on the model group deployed in three Regions, so a Region outage shows as
    /// a failover; tenants A, B and C may use only their own model groups.
    /// </summary>
    public static readonly IReadOnlyList<Tenant> Tenants = [ReferenceNames.Demo, .. ReferenceNames.Tenants];

    public string Tenant { get; set; } = ReferenceNames.Demo.Name;

    public string ModelGroup { get; set; } = ReferenceNames.Demo.ModelGroup;

    public List<ChatTurn> Turns { get; set; } = [];
}

namespace Switchyard.BedrockEmulator.World;

/// <summary>What one Kestrel endpoint serves.</summary>
internal enum EndpointRole
{
    None,
    Admin,
    Region,
    OpenAI,
}

namespace Switchyard.BedrockEmulator.World;

internal readonly record struct EndpointTarget(EndpointRole Role, EmulatedRegion? Region);

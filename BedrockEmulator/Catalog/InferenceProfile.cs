using Switchyard.BedrockEmulator.World;

namespace Switchyard.BedrockEmulator.Catalog;

/// <summary>A system-defined cross-Region inference profile: <c>us.</c>, <c>eu.</c> or <c>global.</c> before a model id.</summary>
internal sealed record InferenceProfile(string Id, ModelDefinition Model, EmulatedRegion[] Regions);

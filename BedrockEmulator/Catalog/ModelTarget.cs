namespace Switchyard.BedrockEmulator.Catalog;

/// <summary>What a requested model id resolves to in the Region it was called in.</summary>
internal readonly record struct ModelTarget(ModelDefinition Model, InferenceProfile? Profile);

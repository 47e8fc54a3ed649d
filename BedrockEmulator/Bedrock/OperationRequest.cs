using Switchyard.BedrockEmulator.Generation;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>A valid request: what the operation keeps of it, its prompt and the output tokens it asks for at most.</summary>
internal readonly record struct OperationRequest<TRequest>(TRequest Body, PromptMeter Prompt, int? MaxTokens);

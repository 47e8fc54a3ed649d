using Switchyard.BedrockEmulator.Catalog;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock;

/// <summary>
/// What sets one Bedrock Runtime operation apart from the others (its request body and its answer);
/// <see cref="BedrockOperationRunner"/> does the rest the same way for all.
/// </summary>
internal interface IBedrockOperation<TRequest>
{
    /// <summary>The operation's name, for errors.</summary>
    string Name { get; }

    /// <summary>The invocation log's <c>api</c>.</summary>
    string Api(bool streaming);

    /// <summary>Reads and validates a body sent for <paramref name="model"/>: the ValidationException, or null and the request.</summary>
    EmulatorError? Read(HttpRequest http, ReadOnlySpan<byte> body, ModelDefinition model, bool streaming, out OperationRequest<TRequest> request);

    /// <summary>Answers an admitted request and finishes its invocation.</summary>
    Task RespondAsync(HttpContext context, Invocation invocation, TRequest request, bool streaming);
}

using System.Buffers;
using Switchyard.BedrockEmulator.Faults;
using Switchyard.BedrockEmulator.Inference;

namespace Switchyard.BedrockEmulator.Bedrock.Invoke;

/// <summary>
/// A model family's InvokeModel body: how its request reads, and how its answer and its stream chunks
/// are written. The model called decides which one applies.
/// </summary>
internal interface IInvokeBodyFormat
{
    EmulatorError? Read(ReadOnlySpan<byte> body, out OperationRequest<InvokeRequest> request);

    Task WriteAnswerAsync(HttpResponse response, Invocation invocation, ModelAnswer answer, CancellationToken cancellationToken);

    AnswerEvents StreamEvents(IBufferWriter<byte> output, Invocation invocation, ModelAnswer answer);
}

namespace Switchyard.BedrockEmulator.Faults;

/// <summary>Why a request failed; each API turns it into its own wire shape.</summary>
internal enum ErrorKind
{
    Validation,
    ResourceNotFound,
    MissingAuthenticationToken,
    IncompleteSignature,
    UnrecognizedClient,
    InvalidSignature,
    ExpiredToken,
    Throttling,
    ModelNotReady,
    ServiceUnavailable,
    InternalServer,
    ModelStreamError,
}

namespace Switchyard.BedrockEmulator.Faults;

internal readonly record struct EmulatorError(ErrorKind Kind, string Message)
{
    public static EmulatorError Validation(string message) => new(ErrorKind.Validation, message);
}

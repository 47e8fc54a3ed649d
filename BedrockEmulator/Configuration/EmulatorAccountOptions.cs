namespace Switchyard.BedrockEmulator.Configuration;

public sealed class EmulatorAccountOptions
{
    public string AccountId { get; set; } = "";

    public string AccessKeyId { get; set; } = "";

    public string SecretAccessKey { get; set; } = "";
}

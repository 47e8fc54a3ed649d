namespace Switchyard.Router.BedrockRuntime;

/// <summary>The body format InvokeModel takes for a model group.</summary>
internal enum InvokeFamily
{
    /// <summary>Anthropic's Messages body.</summary>
    Claude,

    /// <summary>Amazon Nova's messages-v1 body.</summary>
    Nova,
}

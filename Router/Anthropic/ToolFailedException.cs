namespace Switchyard.Router.Anthropic;

/// <summary>A tool the client ran failed (<c>is_error</c>); the message is what the tool reported.</summary>
public sealed class ToolFailedException(string message) : Exception(message);

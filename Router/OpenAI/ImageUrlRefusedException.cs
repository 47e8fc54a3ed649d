namespace Switchyard.Router.OpenAI;

/// <summary>Why an image URL was not fetched, for the client's 400.</summary>
public sealed class ImageUrlRefusedException(string reason) : Exception(reason);

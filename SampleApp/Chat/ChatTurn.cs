namespace Switchyard.SampleApp.Chat;

/// <summary>A message of the conversation; an assistant's carries how it was served.</summary>
public sealed record ChatTurn(string Role, string Text, AnswerDetails? Details = null)
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

using Switchyard.SampleApp.RouterClient;

namespace Switchyard.SampleApp.Chat;

/// <summary>How an answer was served: by whom, and how long the first and the last token took.</summary>
public sealed record AnswerDetails(ServedBy? ServedBy, double? TimeToFirstTokenMs, double TimeToLastTokenMs, string? Error);

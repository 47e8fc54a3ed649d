namespace Switchyard.QuotaService.Apis;

public sealed record ApiErrorDetail(string Message, string Type);

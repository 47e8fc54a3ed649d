using Switchyard.QuotaService;
using Switchyard.QuotaService.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddQuotaService();

var app = builder.Build();

app.UseExceptionHandler();
app.UseApiStatusCodePages();
app.MapDefaultEndpoints();
app.MapTenantsApi();
app.MapAccessKeysApi();
app.MapAdmissionApi();

app.Run();

public partial class Program;

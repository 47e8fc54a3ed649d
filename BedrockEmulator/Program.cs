using Switchyard.BedrockEmulator;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBedrockEmulator();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapBedrockEmulator();

app.Run();

public partial class Program;

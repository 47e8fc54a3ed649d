using Switchyard.SampleApp;
using Switchyard.SampleApp.Hosting;
using Switchyard.SampleApp.Scenarios;

if (ScenarioCommandLine.IsScenarioCommand(args))
{
    return await ScenarioCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSampleApp();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSampleApp();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;

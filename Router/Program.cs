using Switchyard.Router;
using Switchyard.Router.Apis;
using Switchyard.Router.Hosting;
using Switchyard.Router.OpenAI;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSwitchyardRouter();
builder.ServeH2cPriorKnowledge();

var app = builder.Build();

app.UseOpenAIErrors();
app.UseRouting(); // after the error handling, so that it covers endpoint matching too
app.MapDefaultEndpoints();
app.MapChatCompletionsApi();
app.MapBedrockRuntimeApi();
app.MapRouterAdminApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

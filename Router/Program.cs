using Switchyard.Router;
using Switchyard.Router.Apis;
using Switchyard.Router.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSwitchyardRouter();
builder.ServeH2cPriorKnowledge();

var app = builder.Build();

app.UseRequestId(); // first, so that every answer carries it, errors too
app.UseApiErrors();
app.UseRouting(); // after the error handling, so that it covers endpoint matching too
app.MapDefaultEndpoints();
app.MapChatCompletionsApi();
app.MapMessagesApi();
app.MapBedrockRuntimeApi();
app.MapRouterAdminApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

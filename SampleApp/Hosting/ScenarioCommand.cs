using Switchyard.SampleApp.Scenarios;

namespace Switchyard.SampleApp.Hosting;

/// <summary>
/// Runs one scenario from the command line against a running topology and prints its tables:
/// under Aspire through the <c>services__*</c> variables, otherwise on the AppHost's fixed local ports.
/// </summary>
public static class ScenarioCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (ScenarioCommandLine.Parse(args[1..], out var error) is not { } command)
        {
            await Console.Error.WriteLineAsync($"{error}{Environment.NewLine}{ScenarioCommandLine.Usage}");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(ScenarioCommand).Assembly.GetName().Name });
        builder.AddServiceDefaults();
        builder.AddScenarioClients();
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        if (command.AdminKey is not null)
        {
            builder.Configuration["Quotas:AdminKey"] = command.AdminKey;
        }

        using var host = builder.Build();
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        try
        {
            var report = await ScenarioRunner.RunAsync(host.Services.GetRequiredService<TopologyClients>().Scenarios(), command.Options, interrupted.Token);
            Console.WriteLine(report);
            return 0;
        }
        catch (Exception e) when (e is ScenarioException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"scenario {command.Options.Name} could not run: {e.Message}");
            return 1;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Architecture.Tests;

public class ConfigurationKeyTests
{
    public static TheoryData<string> Services => [.. ServiceSettings.All.Select(service => service.Folder)];

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_key_of_a_services_settings_is_read(string folder)
    {
        var service = ServiceSettings.All.Single(s => s.Folder == folder);
        var files = Directory.GetFiles(Path.Combine(TestAssemblies.RepositoryRoot, folder), "appsettings*.json");

        Assert.NotEmpty(files);
        var unread = files
            .SelectMany(file => ConfigurationKeys.Unread(Load(file), service.Options, service.ReadDirectly)
                .Select(key => $"{Path.GetFileName(file)}: {key}"))
            .ToList();
        Assert.True(unread.Count == 0, $"{folder} reads none of: {string.Join(", ", unread)}");
    }

    [Fact]
    public void Every_settings_file_belongs_to_a_listed_service()
    {
        var folders = Directory.EnumerateFiles(TestAssemblies.RepositoryRoot, "appsettings*.json", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(TestAssemblies.RepositoryRoot, Path.GetDirectoryName(file)!))
            .Where(folder => !folder.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .Distinct()
            .ToList();

        Assert.Contains("Router", folders);
        Assert.All(folders, folder => Assert.Contains(folder, ServiceSettings.All.Select(service => service.Folder)));
    }

    [Fact]
    public void An_unread_key_is_named()
    {
        var router = ServiceSettings.All.Single(service => service.Folder == "Router");
        var settings = JsonNode.Parse("""
            {
              "Logging": { "LogLevel": { "Default": "Information" } },
              "Kestrel": { "Endpoints": { "http": { "Url": "http://localhost:5000" } } },
              "routing": {
                "MaxRequestBodyBytes": 1024,
                "Retry": { "MaxAttempts": 3, "Jitter": true },
                "Deployments": { "any-name": { "Model": "m", "Colour": "blue" } },
                "ModelGroups": { "g": { "Deployments": [ "any-name" ], "Fallbacks": [ { "Group": "h", "On": [ "throttled" ], "When": "always" } ] } },
                "RecordContent": { "Nested": 1 },
                "ResponseTime": { }
              },
              "OpenAIProviders": { "emulator": { "Endpoint": "http://localhost:4110/v1", "Organisation": "x" } },
              "Unknown": { "Section": "" }
            }
            """)!.AsObject();

        var unread = ConfigurationKeys.Unread(settings, router.Options, router.ReadDirectly);

        Assert.Equal(
            [
                "routing:Retry:Jitter",
                "routing:Deployments:any-name:Colour",
                "routing:ModelGroups:g:Fallbacks:0:When",
                "routing:RecordContent:Nested",
                "OpenAIProviders:emulator:Organisation",
                "Unknown:Section",
            ],
            unread);
    }

    [Fact]
    public void A_key_of_a_section_read_directly_is_read_only_there()
    {
        // SampleApp reads Quotas:AdminKey by name; the rest of Quotas is nobody's there.
        var sampleApp = ServiceSettings.All.Single(service => service.Folder == "SampleApp");
        var settings = JsonNode.Parse("""{ "Quotas": { "AdminKey": "k", "SeedTenants": [] }, "SampleApp": { "Router": "http://router" } }""")!.AsObject();

        Assert.Equal(["Quotas:SeedTenants"], ConfigurationKeys.Unread(settings, sampleApp.Options, sampleApp.ReadDirectly));
    }

    private static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
}

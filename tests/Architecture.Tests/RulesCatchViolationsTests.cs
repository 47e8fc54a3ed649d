using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;

namespace Switchyard.Architecture.Tests;

/// <summary>
/// The rules of <see cref="RouterLayeringTests"/> and <see cref="AssemblyReferenceTests"/>, built by the same
/// code, run over this assembly's deliberately broken fixtures (Fixtures/): each must fail, naming the
/// offending types, and pass on the well-layered control.
/// </summary>
public class RulesCatchViolationsTests
{
    private const string Fixtures = "Switchyard.Architecture.Tests.Fixtures";

    private static readonly ArchUnitNET.Domain.Architecture ThisAssembly =
        new ArchLoader().LoadAssemblies(typeof(RulesCatchViolationsTests).Assembly).Build();

    [Fact]
    public void A_folder_cycle_fails_the_cycle_rule()
    {
        var rule = LayeringRules.FoldersFreeOfCycles($"{Fixtures}.Cyclic");

        var failure = Assert.Throws<FailedArchRuleException>(() => rule.Check(ThisAssembly));
        Assert.Contains("Cycle found", failure.Message);
        Assert.Contains($"{Fixtures}.Cyclic.Telemetry.RouterSpans", failure.Message);
        Assert.Contains($"{Fixtures}.Cyclic.Routing.Deployment", failure.Message);
    }

    [Fact]
    public void A_cycle_between_subfolders_fails_the_subfolder_rule()
    {
        // One level up, Cyclic.Routing and Cyclic.Telemetry are sub-folders of the folder Cyclic.
        var rule = LayeringRules.SubfoldersFreeOfCycles(Fixtures);

        var failure = Assert.Throws<FailedArchRuleException>(() => rule.Check(ThisAssembly));
        Assert.Contains($"{Fixtures}.Cyclic.Telemetry.RouterSpans", failure.Message);
        Assert.DoesNotContain($"{Fixtures}.WellLayered", failure.Message);
    }

    [Fact]
    public void A_core_namespace_using_an_adapter_fails_the_direction_rule()
    {
        var rule = LayeringRules.NoDependency($"{Fixtures}.CoreOnAdapter", RouterLayers.Core, RouterLayers.Adapters, "fixture");

        var failure = Assert.Throws<FailedArchRuleException>(() => rule.Check(ThisAssembly));
        Assert.Contains($"{Fixtures}.CoreOnAdapter.Routing.ChatRouter", failure.Message);
        Assert.Contains($"{Fixtures}.CoreOnAdapter.OpenAI.ChatCompletionWire", failure.Message);
    }

    [Fact]
    public void The_well_layered_control_passes_the_namespace_rules()
    {
        // Its Routing.Latency and Routing use each other: one folder, so no folder cycle.
        LayeringRules.FoldersFreeOfCycles($"{Fixtures}.WellLayered").Check(ThisAssembly);
        LayeringRules.NoDependency($"{Fixtures}.WellLayered", RouterLayers.Core, RouterLayers.Adapters, "fixture").Check(ThisAssembly);
    }

    [Fact]
    public void A_library_using_a_service_fails_the_reference_rule()
    {
        // This assembly names the Router through one of its types (ProductionArchitecture): as a library would.
        var rule = LayeringRules.ReferencesNone([typeof(RulesCatchViolationsTests).Assembly], [ProductionArchitecture.Router], "fixture");

        var withRouter = new ArchLoader().LoadAssemblies(typeof(RulesCatchViolationsTests).Assembly, ProductionArchitecture.Router).Build();
        var failure = Assert.Throws<FailedArchRuleException>(() => rule.Check(withRouter));
        Assert.Contains("Switchyard.Router.RouterServiceCollectionExtensions", failure.Message);
    }

    [Fact]
    public void An_assembly_using_a_test_framework_fails_the_test_reference_rule()
    {
        // This assembly is test code: it uses xunit, which the rule must see without xunit being loaded.
        var rule = LayeringRules.ReferencesNoAssemblyMatching([typeof(RulesCatchViolationsTests).Assembly], TestAssemblies.NamePattern, "fixture");

        var failure = Assert.Throws<FailedArchRuleException>(() => rule.Check(ThisAssembly));
        Assert.Contains("Xunit.FactAttribute", failure.Message);
    }
}

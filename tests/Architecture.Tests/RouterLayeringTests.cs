using ArchUnitNET.xUnit;

namespace Switchyard.Architecture.Tests;

public class RouterLayeringTests
{
    private static readonly ArchUnitNET.Domain.Architecture Production = ProductionArchitecture.Architecture;

    [Fact]
    public void Core_does_not_depend_on_protocol_adapters() =>
        LayeringRules.NoDependency(RouterLayers.Root, RouterLayers.Core, RouterLayers.Adapters,
            "the doors map their protocol onto the core; a core that knew a door would tie every door to it").Check(Production);

    [Fact]
    public void Hosting_depends_on_neither_core_nor_adapters() =>
        LayeringRules.NoDependency(RouterLayers.Root, RouterLayers.Hosting, [.. RouterLayers.Core, .. RouterLayers.Adapters],
            "Kestrel's set-up is independent of what the Router serves").Check(Production);

    [Fact]
    public void Every_router_folder_has_a_layer()
    {
        var placed = RouterLayers.Adapters.Concat(RouterLayers.Core).Concat(RouterLayers.Hosting).ToHashSet();
        var folders = Production.Namespaces
            .Where(n => n.FullName.StartsWith(RouterLayers.Root + ".", StringComparison.Ordinal) && n.Types.Any(t => t.Assembly.FullName.StartsWith("Router,", StringComparison.Ordinal)))
            .Select(n => n.FullName[(RouterLayers.Root.Length + 1)..].Split('.')[0])
            .ToHashSet();

        Assert.Empty(folders.Except(placed));
        Assert.Empty(placed.Except(folders));
    }
}

// A deliberate violation for SourceFileTests: a second top-level type beside the one the file is named after.
namespace Switchyard.Architecture.Tests.Fixtures.SourceFiles;

internal sealed record TwoTypesInOneFile(string Name);

internal sealed record StowawayType(int Count);

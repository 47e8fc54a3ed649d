// A deliberate violation for SourceFileTests: wire records with no JsonSerializerContext to make them one contract.
namespace Switchyard.Architecture.Tests.Fixtures.SourceFiles;

internal sealed record ContextlessRequest(string Model);

internal sealed record ContextlessResponse(string Text);

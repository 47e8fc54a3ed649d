namespace Switchyard.BedrockEmulator.Invocations;

/// <summary>Filter of an invocation log query; null matches all. <c>Model</c> matches the base model or the id called.</summary>
internal readonly record struct InvocationQuery(DateTimeOffset? Since, string? Account, string? Region, string? Model, int Limit);

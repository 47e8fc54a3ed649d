namespace Switchyard.Admission;

/// <summary>What one request asks for at admission (limits: <see cref="AdmissionBounds"/>).</summary>
/// <param name="ModelGroup">The model group the request is for.</param>
/// <param name="ReservedTokens">Input estimate plus max tokens, reserved until settlement, as Bedrock counts: 1 to <see cref="AdmissionBounds.MaxTokens"/>.</param>
public readonly record struct AdmissionRequest(string ModelGroup, long ReservedTokens)
{
    /// <summary>
    /// The lease id to use, chosen by the caller so that it can release an admission whose answer it
    /// never got (a timeout): the release removes the lease if the admission landed, and makes sure it
    /// cannot land later if not. Null: the library generates one.
    /// </summary>
    public string? LeaseId { get; init; }

    /// <summary>How long the request may hold its concurrency lease (its deadline); at most, and by default, Admission:LeaseDuration.</summary>
    public TimeSpan? LeaseTimeout { get; init; }
}

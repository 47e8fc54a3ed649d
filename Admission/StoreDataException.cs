namespace Switchyard.Admission;

/// <summary>
/// The store answered with data admission cannot use (a tenant record that is not valid JSON or not a
/// valid definition). Treated like a store failure: the caller falls back as if the store were down,
/// rather than failing every request that meets the record.
/// </summary>
public sealed class StoreDataException(string message, Exception? inner = null) : Exception(message, inner);

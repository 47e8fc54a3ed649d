namespace Switchyard.Router.Routing;

/// <summary>The outcome of a capacity check.</summary>
/// <param name="Acquired">The deployment has room; a request and the tokens are now counted.</param>
/// <param name="Tokens">Tokens reserved.</param>
/// <param name="Second">Bucket (unix second) the reservation went into, for settlement.</param>
/// <param name="Checked">The shared store was consulted (false for unlimited deployments and when the store is down).</param>
/// <param name="StoreUnavailable">The deployment has limits but the store could not be asked: admitted unchecked.</param>
/// <param name="FreesIn">When refused: how long until the deployment's window has room for this request.</param>
public readonly record struct CapacityReservation(bool Acquired, int Tokens, long Second, bool Checked, bool StoreUnavailable = false, TimeSpan FreesIn = default)
{
    public static readonly CapacityReservation Unlimited = new(true, 0, 0, false);
    public static readonly CapacityReservation Unchecked = new(true, 0, 0, false, StoreUnavailable: true);

    public static CapacityReservation Full(TimeSpan freesIn) => new(false, 0, 0, true, FreesIn: freesIn);
}

namespace Switchyard.Router.Routing;

/// <summary>Where and how a request was finally served.</summary>
public sealed record RouteInfo(Deployment Deployment, string ModelGroup, int Attempts, bool FellBack, CapacityReservation Reservation);

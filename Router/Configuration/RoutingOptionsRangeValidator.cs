using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>The value ranges of <see cref="RoutingOptions"/> and the sections under it, generated from their annotations.</summary>
[OptionsValidator]
internal sealed partial class RoutingOptionsRangeValidator : IValidateOptions<RoutingOptions>;

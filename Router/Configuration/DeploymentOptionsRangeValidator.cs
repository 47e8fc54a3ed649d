using Microsoft.Extensions.Options;

namespace Switchyard.Router.Configuration;

/// <summary>The value ranges of one deployment (the deployments are a dictionary, which the generator does not enumerate).</summary>
[OptionsValidator]
internal sealed partial class DeploymentOptionsRangeValidator : IValidateOptions<DeploymentOptions>;

using Microsoft.Extensions.Options;

namespace Switchyard.Router.Http;

[OptionsValidator]
internal sealed partial class RateLimitResponseOptionsValidator : IValidateOptions<RateLimitResponseOptions>;

using Microsoft.Extensions.Options;

namespace Switchyard.ServiceDefaults.Auth;

[OptionsValidator]
public sealed partial class AdminKeyOptionsValidator : IValidateOptions<AdminKeyOptions>;

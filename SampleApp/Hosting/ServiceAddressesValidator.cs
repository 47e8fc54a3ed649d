using Microsoft.Extensions.Options;

namespace Switchyard.SampleApp.Hosting;

[OptionsValidator]
public sealed partial class ServiceAddressesValidator : IValidateOptions<ServiceAddresses>;

using Microsoft.Extensions.Options;

namespace Switchyard.Admission;

[OptionsValidator]
internal sealed partial class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>;

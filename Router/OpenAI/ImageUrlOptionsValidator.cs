using Microsoft.Extensions.Options;

namespace Switchyard.Router.OpenAI;

[OptionsValidator]
internal sealed partial class ImageUrlOptionsValidator : IValidateOptions<ImageUrlOptions>;

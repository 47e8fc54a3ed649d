using Microsoft.Extensions.Options;

namespace Switchyard.Router.OpenAI;

public static class ImageUrlServiceCollectionExtensions
{
    /// <summary>The image URL fetcher and its options (section "ImageUrls", off by default, validated at start).</summary>
    public static IServiceCollection AddImageUrlFetching(this IServiceCollection services)
    {
        services.AddOptions<ImageUrlOptions>().BindConfiguration(ImageUrlOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageUrlOptions>, ImageUrlOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<ImageUrlOptions>>();
            return new ImageUrlFetcher(ImageUrlFetcher.CreateHandler(options), options);
        });
        return services;
    }
}

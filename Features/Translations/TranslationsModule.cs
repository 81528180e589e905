using FastEndpoints;
using Marten;
using Marten.Schema;
using Referrals.Service.Caching;

namespace Referrals.Service.Features.Translations;

public static class TranslationsModule
{
    public static WebApplicationBuilder AddTranslations(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options => options.Schema.For<Translation>()
            // (key, locale, version) unique; its (key, locale) prefix is the seed's idx_translations_key_locale.
            .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_translations_key_locale_version",
                t => t.Key, t => t.Locale, t => t.Version));

        builder.Services.AddSingleton<LocalizedMessages>();
        builder.Services.AddOwnedCachePrefix(LocalizedMessages.CachePrefix);
        builder.AddServiceMeter(LocalizedMessages.MeterName);
        // Development seed, written by the service as the runtime login (the translations are platform-wide).
        builder.Services.AddHostedService<SeedTranslations>();
        builder.Services.AddHostedService<PruneTranslationVersionsDaily>();
        return builder;
    }
}

using FastEndpoints;
using Marten;
using Marten.Schema;
using Referrals.Service.Features.Referrals;
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
        // After Marten's schema is applied (registered earlier): seed first, then the trigger that needs the seed.
        builder.Services.AddHostedService<SeedTranslations>();
        builder.Services.AddHostedService<ValidateReferralDescription>();
        builder.Services.AddHostedService<PruneTranslationVersionsDaily>();
        return builder;
    }
}

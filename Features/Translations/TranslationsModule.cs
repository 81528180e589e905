using FastEndpoints;
using Marten;
using Marten.Schema;
using Marten.Schema.Indexing.Unique;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Caching;
using Referrals.Service.Platform;
using Referrals.Service.Storage;
using Referrals.Service.Tenancy;
using Wolverine;

namespace Referrals.Service.Features.Translations;

public static class TranslationsModule
{
    /// <summary>The platform defaults (global).</summary>
    public const string DefaultsTable = "mt_doc_translation";

    /// <summary>The shops' overrides: tenant data, under the shop isolation policy.</summary>
    public const string OverridesTable = "mt_doc_translationoverride";

    public static WebApplicationBuilder AddTranslations(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(options =>
        {
            options.Schema.For<Translation>()
                // (key, locale, version) unique; its (key, locale) prefix is the seed's idx_translations_key_locale.
                .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_translations_key_locale_version",
                    t => t.Key, t => t.Locale, t => t.Version);
            options.Schema.For<TranslationOverride>()
                .MultiTenanted() // tenant id = shop_id
                .UniqueIndex(UniqueIndexType.DuplicatedField, "unique_translation_overrides_shop_id_key_locale_version",
                    TenancyScope.PerTenant, t => t.Key, t => t.Locale, t => t.Version);
        });

        builder.Services.AddSingleton<LocalizedMessages>();
        builder.Services.AddOwnedCachePrefix(LocalizedMessages.CachePrefix);
        builder.AddServiceMeter(LocalizedMessages.MeterName);
        // The platform defaults, written by `migrate` (the translations are platform-wide), not on each start.
        builder.Services.AddDatabaseSeed<SeedTranslations>();
        builder.Services.AddSingularAgent<PruneTranslationVersionsDaily>();
        builder.Services.AddDatabaseObjects("prune_translation_overrides", PruneTranslationVersionsDaily.OverridesFunction);
        return builder;
    }
}

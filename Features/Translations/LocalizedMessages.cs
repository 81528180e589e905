using System.Diagnostics.Metrics;
using Marten;
using Referrals.Service.Caching;

namespace Referrals.Service.Features.Translations;

public sealed record LocalizedText(string Key, string Locale, string Value);

public sealed class UnknownMessageKeyException(string key)
    : InvalidOperationException($"message key '{key}' has no en translation");

/// <summary>
/// The named query other slices use for text they emit to a shop's customers: the shop's override of a message key in
/// a locale when it has one, else the platform default, falling back to en for an unsupported locale (the answer says
/// which locale was used). Reads through Redis (24 h): platform defaults under `translations:{key}:{locale}`, a shop's
/// override under `translations:{shop_id}:{key}:{locale}`; with Redis down it reads Postgres.
/// </summary>
public sealed class LocalizedMessages(IDocumentStore store, CacheEntries cache, IMeterFactory meters)
{
    public const string MeterName = "Referrals.Translations";
    public static readonly TimeSpan CacheFor = TimeSpan.FromHours(24);

    private readonly Counter<long> _hits = meters.Create(MeterName)
        .CreateCounter<long>("translations_cache_hits", description: "translation lookups answered by Redis");
    private readonly Counter<long> _misses = meters.Create(MeterName)
        .CreateCounter<long>("translations_cache_misses", description: "translation lookups that went to Postgres");

    public static string StatusKey(string wireStatus) => $"referral.status.{wireStatus}";

    /// <summary>The text of a ReferralReason code (GetReferralStatus' reason_description).</summary>
    public static string ReasonKey(string reason) => $"reason.{reason}";

    /// <summary>A cached translation: `cache.invalidate` type and key prefix of both kinds of entry.</summary>
    public const string CacheType = "translation";
    public const string CachePrefix = "translations:";

    /// <summary>
    /// A shop's override entry holds this when the shop has none, so a shop that keeps the platform's wording does not
    /// ask Postgres on every read (a real value is never empty: TranslationRules).
    /// </summary>
    private const string NoOverride = "";

    /// <summary>The platform default's entry: the seed's `translations:{key}:{locale}`.</summary>
    public static string CacheKey(string key, string locale) => $"{CachePrefix}{key}:{locale}";

    /// <summary>A shop's override entry, `translations:{shop_id}:{key}:{locale}` (a key never starts with a UUID).</summary>
    public static string OverrideCacheKey(Guid shopId, string key, string locale) => $"{CachePrefix}{shopId}:{key}:{locale}";

    public async ValueTask<LocalizedText> GetAsync(Guid shopId, string key, string locale, CancellationToken ct)
    {
        var wanted = SupportedLocales.OrEnglish(locale);
        if (await CurrentValueAsync(shopId, key, wanted, ct) is { } value)
            return new LocalizedText(key, wanted, value);
        if (wanted != SupportedLocales.English && await CurrentValueAsync(shopId, key, SupportedLocales.English, ct) is { } english)
            return new LocalizedText(key, SupportedLocales.English, english);
        throw new UnknownMessageKeyException(key);
    }

    private async ValueTask<string?> CurrentValueAsync(Guid shopId, string key, string locale, CancellationToken ct) =>
        await OverrideValueAsync(shopId, key, locale, ct) ?? await PlatformValueAsync(key, locale, ct);

    private async ValueTask<string?> OverrideValueAsync(Guid shopId, string key, string locale, CancellationToken ct)
    {
        var cacheKey = OverrideCacheKey(shopId, key, locale);
        if (await cache.TryGetAsync(cacheKey) is { } cached)
        {
            _hits.Add(1);
            return cached == NoOverride ? null : cached;
        }

        _misses.Add(1);
        await using var session = store.QuerySession(shopId.ToString());
        var current = await session.Query<TranslationOverride>()
            .Where(t => t.Key == key && t.Locale == locale)
            .OrderByDescending(t => t.Version)
            .FirstOrDefaultAsync(ct);
        await cache.TrySetAsync(cacheKey, current?.Value ?? NoOverride, CacheFor);
        return current?.Value;
    }

    private async ValueTask<string?> PlatformValueAsync(string key, string locale, CancellationToken ct)
    {
        var cacheKey = CacheKey(key, locale);
        if (await cache.TryGetAsync(cacheKey) is { } cached)
        {
            _hits.Add(1);
            return cached;
        }

        _misses.Add(1);
        await using var session = store.QuerySession();
        var current = await session.Query<Translation>()
            .Where(t => t.Key == key && t.Locale == locale)
            .OrderByDescending(t => t.Version)
            .FirstOrDefaultAsync(ct);
        if (current is not null)
            await cache.TrySetAsync(cacheKey, current.Value, CacheFor);
        return current?.Value;
    }
}

using System.Diagnostics.Metrics;
using Marten;
using Referrals.Service.Caching;

namespace Referrals.Service.Features.Translations;

public sealed record LocalizedText(string Key, string Locale, string Value);

public sealed class UnknownMessageKeyException(string key)
    : InvalidOperationException($"message key '{key}' has no en translation");

/// <summary>
/// The named query other slices use for text they emit: the current value of a message key in a locale,
/// falling back to en for an unsupported locale (the answer says which locale was used). Reads through
/// Redis `translations:{key}:{locale}` (24 h); with Redis down it reads Postgres.
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

    /// <summary>A cached translation: `cache.invalidate` type and key prefix, key `translations:{key}:{locale}`.</summary>
    public const string CacheType = "translation";
    public const string CachePrefix = "translations:";

    public static string CacheKey(string key, string locale) => $"{CachePrefix}{key}:{locale}";

    public async ValueTask<LocalizedText> GetAsync(string key, string locale, CancellationToken ct)
    {
        var wanted = SupportedLocales.OrEnglish(locale);
        if (await CurrentValueAsync(key, wanted, ct) is { } value)
            return new LocalizedText(key, wanted, value);
        if (wanted != SupportedLocales.English && await CurrentValueAsync(key, SupportedLocales.English, ct) is { } english)
            return new LocalizedText(key, SupportedLocales.English, english);
        throw new UnknownMessageKeyException(key);
    }

    private async ValueTask<string?> CurrentValueAsync(string key, string locale, CancellationToken ct)
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

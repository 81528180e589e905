namespace Referrals.Service.Caching;

/// <summary>
/// `cache.invalidate` (wire contract, the seed's payload): tells every holder of a cached copy of
/// <see cref="Key"/> (this service's Redis, the frontend, Points) to drop it.
/// </summary>
public sealed record CacheInvalidate(string Key, Guid ShopId, string Type, string Locale, DateTimeOffset CreatedAt)
{
    public const string EventType = "cache.invalidate";
    public const string SchemaVersion = "1.0.0";
}

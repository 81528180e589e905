namespace Referrals.Service.Infrastructure;

/// <summary>
/// `cache.invalidate` (wire contract, the seed's payload): tells every holder of a cached copy of
/// <see cref="Key"/> (this service's Redis, the frontend, Points) to drop it.
/// </summary>
public sealed record CacheInvalidate(string Key, Guid ShopId, string Type, string Locale, DateTimeOffset CreatedAt)
{
    public const string EventType = "cache.invalidate";
    public const string SchemaVersion = "1.0.0";

    /// <summary>Type of a referral's status entry, key `referral:{shop_id}:{referral_id}`.</summary>
    public const string ReferralType = "referral";

    /// <summary>Type of a translation entry, key `translations:{key}:{locale}`.</summary>
    public const string TranslationType = "translation";

    public static string ReferralKey(Guid shopId, Guid referralId) => $"referral:{shopId}:{referralId}";
}

using Referrals.Service.Caching;
using Referrals.Service.Messaging;
using Wolverine;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// A referral's cached status, Redis `referral:{shop_id}:{referral_id}` (1 h). Every change of a referral publishes
/// <see cref="Invalidate"/> through the outbox; the cache.invalidate consumer drops the entry
/// (its prefix is registered by <see cref="ReferralsModule"/>).
/// </summary>
public static class ReferralStatusCache
{
    public const string Type = "referral";
    public const string Prefix = "referral:";
    public static readonly TimeSpan CacheFor = TimeSpan.FromHours(1);

    public static string Key(Guid shopId, Guid referralId) => $"{Prefix}{shopId}:{referralId}";

    public static DeliveryMessage<CacheInvalidate> Invalidate(Guid shopId, Referral referral, DateTimeOffset now, string correlationId) =>
        KafkaEnvelope.Publish(new CacheInvalidate(Key(shopId, referral.Id), shopId, Type, referral.Locale, now),
            shopId, CacheInvalidate.EventType, CacheInvalidate.SchemaVersion, correlationId);
}

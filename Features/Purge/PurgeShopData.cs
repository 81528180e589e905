using Marten;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Idempotency;
using StackExchange.Redis;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using Referrals.Service.Caching;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;
using Referrals.Service.Correlation;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Features.Purge;

/// <summary>Erase a shop's audit data (for its shop, tenant). Queued durably by <see cref="RequestAuditPurgeHandler"/>.</summary>
public sealed record PurgeShopData(Guid ShopId, Guid PurgeId);

/// <summary>
/// Erases the shop's audit entries, its processed_events and its Redis keys, marks the purge completed, records the
/// purge itself on `audit_log` (<see cref="AuditLogged.OfPurge"/>) and publishes the notice (`cache.invalidate`, type `audit_purge`, key `audit:{shop_id}:*`) so downstream copies
/// follow. Every step is idempotent; Redis goes first, and the database deletes, the completion and the notice
/// commit together, so a failure anywhere (or a stop) means the whole purge runs again, never half-reported.
/// </summary>
public static class PurgeShopDataHandler
{
    public const string NoticeType = "audit_purge";

    public static string NoticeKey(Guid shopId) => $"audit:{shopId}:*";

    public static void Configure(HandlerChain chain)
    {
        ErrorPolicies.RetryWhileRedisAway(chain);
        ErrorPolicies.RetryUntilDone(chain);
    }

    public static async Task<(IMartenOp, OutgoingMessages)> Handle(PurgeShopData purge, IDocumentSession db, IConnectionMultiplexer redis, RedisBreaker breaker,
        ShopDirectory shops, Envelope envelope, TimeProvider clock, ILogger logger, CancellationToken ct)
    {
        var latest = await db.LoadAsync<AuditPurge>(purge.ShopId, ct);
        if (latest is not { State: PurgeState.Running } || latest.PurgeId != purge.PurgeId)
            return (MartenOps.Nothing(), []); // already done (a redelivery)

        var erasedKeys = await ShopRedisKeys.EraseAsync(redis.GetDatabase(), breaker, purge.ShopId);
        var shop = purge.ShopId.ToString();
        ReferralAuditTrail.EraseShop(db, purge.ShopId);
        db.DeleteWhere<ProcessedEvent>(e => e.AnyTenant() && e.TenantIsOneOf(shop));

        var now = clock.GetUtcNow();
        var context = new ReferralChangeContext(purge.ShopId, now, CorrelationId.Of(envelope),
            Shop.AuditRetentionOf(await shops.FindAsync(purge.ShopId, ct)));
        logger.LogInformation("Purged the audit data of shop {ShopId} (purge {PurgeId}, {RedisKeys} Redis keys)", purge.ShopId, purge.PurgeId, erasedKeys);
        return (MartenOps.Store(latest with { State = PurgeState.Completed, CompletedAt = now }),
        [
            KafkaEnvelope.Publish(new CacheInvalidate(NoticeKey(purge.ShopId), purge.ShopId, NoticeType, "en", now),
                purge.ShopId, CacheInvalidate.EventType, CacheInvalidate.SchemaVersion, context.CorrelationId),
            AuditLogged.OfPurge(context, purge.PurgeId),
        ]);
    }
}

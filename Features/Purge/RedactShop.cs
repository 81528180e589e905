using Marten;
using Referrals.Service.Caching;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Program;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.Reversals;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Idempotency;
using StackExchange.Redis;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Purge;

/// <summary>Erase everything of a shop's customers (for its shop, tenant).</summary>
public sealed record RedactShop(Guid ShopId);

/// <summary>
/// Erases the shop's referrals, customer tiers, processed_events, audit entries, order ledgers, advocates' milestone
/// counts, blocked advocates and Redis keys. The shop's registration (domain, webhook secret), its bonus policy and its
/// program settings are the merchant's settings, not customer data, and stay until the shop itself is removed. Idempotent; a failure retries the whole of it.
/// </summary>
public static class RedactShopHandler
{
    public static void Configure(HandlerChain chain)
    {
        ErrorPolicies.RetryWhileRedisAway(chain);
        ErrorPolicies.RetryUntilDone(chain);
    }

    public static async Task<(IMartenOp, IMartenOp)> Handle(RedactShop redact, IDocumentSession db, IConnectionMultiplexer redis, RedisBreaker breaker, ILogger logger)
    {
        var erasedKeys = await ShopRedisKeys.EraseAsync(redis.GetDatabase(), breaker, redact.ShopId);
        var shop = redact.ShopId.ToString();
        ReferralAuditTrail.EraseShop(db, redact.ShopId);
        db.DeleteWhere<ProcessedEvent>(e => e.AnyTenant() && e.TenantIsOneOf(shop));
        db.DeleteWhere<PublishedEvent>(e => e.ShopId == redact.ShopId);
        db.DeleteWhere<OrderLedger>(ledger => ledger.AnyTenant() && ledger.TenantIsOneOf(shop));
        db.DeleteWhere<BlockedAdvocate>(blocked => blocked.AnyTenant() && blocked.TenantIsOneOf(shop));
        AdvocateMilestones.ForgetAllOfShop(db, redact.ShopId);
        logger.LogInformation("Redacted shop {ShopId} ({RedisKeys} Redis keys)", redact.ShopId, erasedKeys);
        return (ReferralChanges.EraseAllOfShop(redact.ShopId), CustomerTiers.ForgetAll());
    }
}

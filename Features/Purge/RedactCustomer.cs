using Marten;
using Referrals.Service.Caching;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Replay;
using Referrals.Service.Features.Reversals;
using Referrals.Service.Features.Tiers;
using StackExchange.Redis;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Remove a customer's identity from a shop's data (for its shop, tenant). <see cref="OrdersToRedact"/>: the order ids
/// Shopify's webhook names (`orders_to_redact`); null in messages queued before it was read.
/// </summary>
public sealed record RedactCustomer(Guid ShopId, Guid CustomerId, IReadOnlyList<long>? OrdersToRedact = null);

/// <summary>
/// The customer's referrals stay (they still count) but no longer name them (<see cref="Referral.WithoutReferrer"/>);
/// the referrals their orders converted (or were judged for) no longer name them as buyer (<see cref="Referral.WithoutBuyer"/>),
/// and the ledgers of those orders and of the orders Shopify names are erased. The audit entries only name referrals,
/// so the trail stays and its link to the customer goes with it. Their VIP tier and milestone count are forgotten and
/// their referrals' cached statuses are dropped from Redis.
/// </summary>
public static class RedactCustomerHandler
{
    public static void Configure(HandlerChain chain)
    {
        ErrorPolicies.RetryWhileRedisAway(chain);
        ErrorPolicies.RetryUntilDone(chain);
    }

    public static async Task<(IMartenOp, IMartenOp)> Handle(RedactCustomer redact, IDocumentSession db, IConnectionMultiplexer redis, RedisBreaker breaker,
        ILogger logger, CancellationToken ct)
    {
        var referrals = await ReferralQueries.OfCustomerAsync(db, redact.CustomerId, ct);
        var bought = await ReferralQueries.BoughtByAsync(db, redact.CustomerId, ct);
        if (referrals.Count > 0)
            await breaker.RunAsync(() =>
                redis.GetDatabase().KeyDeleteAsync([.. referrals.Select(r => new RedisKey(ReferralStatusCache.Key(redact.ShopId, r.Id)))]));

        // The published-events ledger names customers too: what replay could re-emit about them goes as well.
        var customerId = redact.CustomerId.ToString();
        db.DeleteWhere<PublishedEvent>(e => e.ShopId == redact.ShopId && e.Payload.Contains(customerId));
        var orders = bought.Select(r => r.OrderId).OfType<long>().Concat(redact.OrdersToRedact ?? []).Distinct().ToArray();
        if (orders.Length > 0)
            db.DeleteWhere<OrderLedger>(ledger => ledger.Id.In(orders));
        AdvocateMilestones.Forget(db, redact.CustomerId);
        logger.LogInformation(
            "Redacted a customer of shop {ShopId}: {ReferralCount} referral(s) kept without their referrer, {BoughtCount} without their buyer, {OrderCount} order ledger(s) erased",
            redact.ShopId, referrals.Count, bought.Count, orders.Length);
        return (ReferralChanges.Redact(referrals, bought),
            CustomerTiers.Forget(redact.CustomerId));
    }
}

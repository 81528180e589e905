using Marten;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Idempotency;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// The door of `vip_tier.assigned`: the event is checked (readable, complete, a known shop, a tier of the shop's
/// policy) and handed on as <see cref="ApplyVipTier"/> for its shop, or dead-lettered with its reason. A redelivery
/// Redis has already seen stops here; processed_events decides everything else in <see cref="ApplyVipTierHandler"/>.
/// Transactional although it stores nothing itself (the session parameter makes Wolverine commit one): the
/// <see cref="ApplyVipTier"/> it hands on is written to the durable inbox in the same commit that marks the Kafka event
/// handled. Without a commit Wolverine only queued it in memory, and a paused inbox or a killed instance lost it
/// (chaos runs: tier events handled, never applied; Reliability/CascadedMessagesCommitTests).
/// </summary>
public static class ReceiveVipTierAssignedHandler
{
    public static void Configure(HandlerChain chain)
    {
        ErrorPolicies.WaitOutStorageOutage(chain);
        ErrorPolicies.ParkAtOnce<RejectedTierEventException>(chain);
        ErrorPolicies.RetryInOrderThenPark(chain);
    }

    public static async Task<(HandlerContinuation, ApplyVipTier?)> LoadAsync(VipTierAssigned assigned, ShopDirectory shops,
        IDocumentStore store, RecentEvents recentEvents, CancellationToken ct)
    {
        var (eventId, customerId, shopId, tierId, assignedAt) = assigned.Required();
        if (await shops.FindAsync(shopId, ct) is null)
            throw new RejectedTierEventException("unknown_shop", $"shop {shopId} is not served by this service");
        if (await recentEvents.WasSeenAsync(shopId, eventId.ToString()))
            return (HandlerContinuation.Stop, null);

        await using var session = store.QuerySession(shopId.ToString());
        var policy = await session.LoadAsync<BonusPolicy>(shopId, ct);
        if (policy?.BonusFor(tierId) is null)
            throw new RejectedTierEventException("unknown_tier", $"tier '{tierId}' is not in the bonus policy of shop {shopId}");

        return (HandlerContinuation.Continue, new ApplyVipTier(eventId, shopId, customerId, tierId, assignedAt));
    }

    public static DeliveryMessage<ApplyVipTier> Handle(VipTierAssigned assigned, ApplyVipTier apply, IDocumentSession commit) =>
        apply.WithDeliveryOptions(new DeliveryOptions { TenantId = apply.ShopId.ToString() });
}

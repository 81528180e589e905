using Marten;
using Referrals.Service.Messaging;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Correlation;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// A change of a referral as the handler that decided it returns it: the document operation and the messages that
/// go out with it through the outbox (events, the status cache invalidation, the status count after the commit).
/// </summary>
public sealed record ReferralChange(Referral Referral, IMartenOp Operation, OutgoingMessages Messages);

/// <summary>
/// The named operations every slice changes a referral through, so that the status machine, the events and the
/// cache entry are written in one place. Pure: the caller passes the clock's now and the correlation id of its work.
/// </summary>
public static class ReferralChanges
{
    /// <summary>A new referral link (status pending), and the invite task for its referrer.</summary>
    public static ReferralChange Open(Guid shopId, Guid customerId, string referralLinkId, string locale, string requestId,
        DateTimeOffset now, string correlationId)
    {
        var referral = new Referral(Guid.CreateVersion7(now), customerId, referralLinkId, ReferralStatus.Pending, locale, requestId,
            "1.0.0", now, now)
        { CorrelationId = correlationId };
        var invite = new ReferralTask(Guid.CreateVersion7(now), customerId, shopId, ReferralTask.Invite, locale, now, correlationId);
        return new ReferralChange(referral, MartenOps.Insert(referral),
            [KafkaEnvelope.Publish(invite, shopId, ReferralTask.EventType, ReferralTask.SchemaVersion, correlationId)]);
    }

    /// <summary>
    /// A referred order converted the referral: completed, `referral.completed` for the referrer (with the bonus of
    /// their VIP tier, if any), the `referral.thank_you` task for the buyer, and the cache invalidation.
    /// </summary>
    /// <param name="description">The completed status's text in the referral's locale.</param>
    public static ReferralChange Complete(Guid shopId, Referral referral, long orderId, Guid buyerId, string description,
        ReferralBonus? bonus, DateTimeOffset now, string correlationId)
    {
        var moved = referral.MoveTo(ReferralStatus.Completed, now, correlationId, $"order {orderId}");
        var completed = moved with { BonusTierId = bonus?.TierId ?? moved.BonusTierId };
        var thankYou = new ReferralTask(Guid.CreateVersion7(now), buyerId, shopId, ReferralTask.ThankYou, completed.Locale, now, correlationId);
        return new ReferralChange(completed, MartenOps.Store(completed),
        [
            Announce(shopId, completed, description, bonus, now, correlationId),
            KafkaEnvelope.Publish(thankYou, shopId, ReferralTask.EventType, ReferralTask.SchemaVersion, correlationId),
            ReferralStatusCache.Invalidate(shopId, completed, now, correlationId),
            new CountReferralStatus(completed.Status.Wire(), completed.Locale),
        ]);
    }

    /// <summary>The referral failed for a reason that no retry changes (e.g. self_referral).</summary>
    public static ReferralChange Fail(Guid shopId, Referral referral, string reason, DateTimeOffset now, string correlationId)
    {
        var failed = referral.MoveTo(ReferralStatus.Failed, now, correlationId, reason);
        return new ReferralChange(failed, MartenOps.Store(failed),
        [
            ReferralStatusCache.Invalidate(shopId, failed, now, correlationId),
            new CountReferralStatus(failed.Status.Wire(), failed.Locale),
        ]);
    }

    /// <summary>A converted referral earned its referrer's VIP-tier bonus: rewarded, announced with the bonus.</summary>
    /// <param name="description">The rewarded status's text in the referral's locale.</param>
    public static ReferralChange Reward(Guid shopId, Referral referral, ReferralBonus bonus, string reason, string description,
        DateTimeOffset now, string correlationId)
    {
        var rewarded = referral.MoveTo(ReferralStatus.Rewarded, now, correlationId, reason) with { BonusTierId = bonus.TierId };
        return new ReferralChange(rewarded, MartenOps.Store(rewarded),
        [
            Announce(shopId, rewarded, description, bonus, now, correlationId),
            ReferralStatusCache.Invalidate(shopId, rewarded, now, correlationId),
            new CountReferralStatus(rewarded.Status.Wire(), rewarded.Locale),
        ]);
    }

    /// <summary>The referrals stay (they still count) but no longer name their referrer (Shopify customers/redact).</summary>
    public static IMartenOp Redact(IReadOnlyList<Referral> referrals) =>
        referrals.Count > 0 ? MartenOps.StoreMany([.. referrals.Select(r => r.WithoutReferrer())]) : MartenOps.Nothing();

    /// <summary>Every referral of the shop goes (Shopify shop/redact). Run in a session of the shop.</summary>
    public static IMartenOp EraseAllOfShop(Guid shopId)
    {
        var shop = shopId.ToString();
        return MartenOps.DeleteWhere<Referral>(r => r.AnyTenant() && r.TenantIsOneOf(shop));
    }

    private static DeliveryMessage<ReferralCompleted> Announce(Guid shopId, Referral referral, string description,
        ReferralBonus? bonus, DateTimeOffset now, string correlationId) =>
        KafkaEnvelope.Publish(
            new ReferralCompleted(Guid.CreateVersion7(now), referral.CustomerId, shopId, referral.Id, referral.Status.Wire(),
                referral.Locale, description, ReferralCompleted.CurrentSchemaVersion, now, correlationId,
                bonus?.TierId, bonus?.Multiplier ?? 1.0, bonus?.BonusPoints ?? 0),
            shopId, ReferralCompleted.EventType, ReferralCompleted.CurrentSchemaVersion, correlationId);
}

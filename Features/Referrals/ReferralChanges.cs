using Marten;
using Referrals.Service.Messaging;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Correlation;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// A change of a referral as the handler that decided it returns it: the document operation and the messages that
/// go out with it through the outbox (events, the audit record, the status cache invalidation, the status count).
/// </summary>
public sealed record ReferralChange(Referral Referral, IMartenOp Operation, OutgoingMessages Messages);

/// <summary>The work a change belongs to: the shop, the clock's now, the correlation id, the shop's audit retention.</summary>
public sealed record ReferralChangeContext(Guid ShopId, DateTimeOffset Now, string CorrelationId, int AuditRetentionDays);

/// <summary>
/// The named operations every slice changes a referral through, so that the status machine, the events, the audit
/// record and the cache entry are written in one place. Pure: the caller passes the context of its work.
/// </summary>
public static class ReferralChanges
{
    /// <summary>A new referral link (status pending), and the invite task for its referrer.</summary>
    public static ReferralChange Open(ReferralChangeContext context, Guid customerId, string referralLinkId, string locale,
        string requestId)
    {
        var referral = new Referral(Guid.CreateVersion7(context.Now), customerId, referralLinkId, ReferralStatus.Pending, locale,
            requestId, "1.0.0", context.Now, context.Now)
        { CorrelationId = context.CorrelationId };
        var invite = new ReferralTask(Guid.CreateVersion7(context.Now), customerId, context.ShopId, ReferralTask.Invite, locale,
            context.Now, context.CorrelationId);
        return new ReferralChange(referral, MartenOps.Insert(referral),
        [
            KafkaEnvelope.Publish(invite, context.ShopId, ReferralTask.EventType, ReferralTask.SchemaVersion, context.CorrelationId),
            AuditLogged.OfStatusChange(context, null, referral),
        ]);
    }

    /// <summary>
    /// A referred order converted the referral: completed, `referral.completed` for the referrer (with the bonus of
    /// their VIP tier, if any), the `referral.thank_you` task for the buyer, and the cache invalidation.
    /// </summary>
    /// <param name="description">The completed status's text in the referral's locale.</param>
    public static ReferralChange Complete(ReferralChangeContext context, Referral referral, long orderId, Guid buyerId,
        string description, ReferralBonus? bonus)
    {
        var moved = referral.MoveTo(ReferralStatus.Completed, context.Now, context.CorrelationId, $"order {orderId}");
        var completed = moved with { BonusTierId = bonus?.TierId ?? moved.BonusTierId };
        var thankYou = new ReferralTask(Guid.CreateVersion7(context.Now), buyerId, context.ShopId, ReferralTask.ThankYou,
            completed.Locale, context.Now, context.CorrelationId);
        return Changed(context, referral.Status, completed,
            Announce(context, completed, description, bonus),
            KafkaEnvelope.Publish(thankYou, context.ShopId, ReferralTask.EventType, ReferralTask.SchemaVersion, context.CorrelationId));
    }

    /// <summary>The referral failed for a reason that no retry changes (e.g. self_referral).</summary>
    public static ReferralChange Fail(ReferralChangeContext context, Referral referral, string reason) =>
        Changed(context, referral.Status, referral.MoveTo(ReferralStatus.Failed, context.Now, context.CorrelationId, reason));

    /// <summary>A converted referral earned its referrer's VIP-tier bonus: rewarded, announced with the bonus.</summary>
    /// <param name="description">The rewarded status's text in the referral's locale.</param>
    public static ReferralChange Reward(ReferralChangeContext context, Referral referral, ReferralBonus bonus, string reason,
        string description)
    {
        var rewarded = referral.MoveTo(ReferralStatus.Rewarded, context.Now, context.CorrelationId, reason) with { BonusTierId = bonus.TierId };
        return Changed(context, referral.Status, rewarded, Announce(context, rewarded, description, bonus));
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

    /// <summary>A fraud rule asked for a merchant's review: in_progress, reason under_review, the rules' codes beside it.</summary>
    public static ReferralChange HoldForReview(ReferralChangeContext context, Referral referral, IReadOnlyList<string> reasons)
    {
        var held = referral.MoveTo(ReferralStatus.InProgress, context.Now, context.CorrelationId, ReferralReason.UnderReview);
        return Changed(context, referral.Status, held with { FraudReasons = reasons });
    }

    /// <summary>
    /// A fraud rule, a merchant's review or a blocked advocate rejected the conversion: failed, the first code as the
    /// status reason, every code beside it.
    /// </summary>
    public static ReferralChange Reject(ReferralChangeContext context, Referral referral, IReadOnlyList<string> reasons)
    {
        var rejected = referral.MoveTo(ReferralStatus.Failed, context.Now, context.CorrelationId, reasons[0]);
        return Changed(context, referral.Status, rejected with { FraudReasons = reasons });
    }

    /// <summary>A merchant (or the shop's review timeout) approved a held conversion: completed like any conversion.</summary>
    /// <param name="description">The completed status's text in the referral's locale.</param>
    public static ReferralChange Approve(ReferralChangeContext context, Referral referral, string description, ReferralBonus? bonus) =>
        Complete(context, referral, referral.OrderId ?? 0, referral.BuyerId ?? Referral.RedactedCustomer, description, bonus);

    /// <summary>Whether the referral waits for a merchant's review decision.</summary>
    public static bool IsUnderReview(Referral referral) =>
        referral is { Status: ReferralStatus.InProgress, StatusReason: ReferralReason.UnderReview };

    // Every status change is stored, audited, dropped from the status cache and counted once it committed.
    private static ReferralChange Changed(ReferralChangeContext context, ReferralStatus from, Referral changed, params object[] events)
    {
        var messages = new OutgoingMessages();
        messages.AddRange(events);
        messages.Add(AuditLogged.OfStatusChange(context, from, changed));
        messages.Add(ReferralStatusCache.Invalidate(context.ShopId, changed, context.Now, context.CorrelationId));
        messages.Add(new CountReferralStatus(changed.Status.Wire(), changed.Locale));
        return new ReferralChange(changed, MartenOps.Store(changed), messages);
    }

    private static DeliveryMessage<ReferralCompleted> Announce(ReferralChangeContext context, Referral referral, string description,
        ReferralBonus? bonus) =>
        KafkaEnvelope.Publish(
            new ReferralCompleted(Guid.CreateVersion7(context.Now), referral.CustomerId, context.ShopId, referral.Id, referral.Status.Wire(),
                referral.Locale, description, ReferralCompleted.CurrentSchemaVersion, context.Now, context.CorrelationId,
                bonus?.TierId, bonus?.Multiplier ?? 1.0, bonus?.BonusPoints ?? 0),
            context.ShopId, ReferralCompleted.EventType, ReferralCompleted.CurrentSchemaVersion, context.CorrelationId);
}

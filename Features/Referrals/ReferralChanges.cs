using Marten;
using Referrals.Service.Messaging;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Funnel;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// A change of a referral as the handler that decided it returns it: the document operation and the messages that
/// go out with it through the outbox (events, the audit record, the status cache invalidation, the status count).
/// </summary>
public sealed record ReferralChange(Referral Referral, IMartenOp Operation, OutgoingMessages Messages)
{
    /// <summary>The same change with another document operation of the same transaction (e.g. the order's ledger).</summary>
    public ReferralChange AlsoDoing(IMartenOp other) => this with { Operation = new BothOps(Operation, other) };
}

/// <summary>Two document operations of one transaction, where a handler's result has room for one.</summary>
public sealed record BothOps(IMartenOp First, IMartenOp Second) : IMartenOp
{
    public void Execute(IDocumentSession session)
    {
        First.Execute(session);
        Second.Execute(session);
    }
}

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
            CountFunnelSteps.LinkCreated,
        ]);
    }

    /// <summary>
    /// A referred order converted the referral: completed and held until <paramref name="hold"/> from now (the shop's
    /// hold days), with its <see cref="QualifyReferral"/> scheduled durably for that moment; `referral.completed` for
    /// the referrer (with the bonus of their VIP tier, if any), the `referral.thank_you` task for the buyer, and the
    /// cache invalidation. Every path that completes a referral comes through here, so every conversion is held.
    /// </summary>
    /// <param name="description">The completed status's text in the referral's locale.</param>
    public static ReferralChange Complete(ReferralChangeContext context, Referral referral, long orderId, Guid buyerId,
        string description, ReferralBonus? bonus, TimeSpan hold)
    {
        var moved = referral.MoveTo(ReferralStatus.Completed, context.Now, context.CorrelationId);
        var completed = moved with
        {
            OrderId = orderId,
            HoldUntil = context.Now + hold,
            BonusTierId = bonus?.TierId ?? moved.BonusTierId,
            Bonus = bonus ?? moved.Bonus,
        };
        var thankYou = new ReferralTask(Guid.CreateVersion7(context.Now), buyerId, context.ShopId, ReferralTask.ThankYou,
            completed.Locale, context.Now, context.CorrelationId);
        return Changed(context, referral.Status, completed,
            Announce(context, completed, description, bonus),
            KafkaEnvelope.Publish(thankYou, context.ShopId, ReferralTask.EventType, ReferralTask.SchemaVersion, context.CorrelationId),
            QualifyReferral.At(context, completed));
    }

    /// <summary>
    /// The hold of a completed referral ended with no reversal: rewarded (qualified), and `referral.qualified` with the
    /// bonus recorded on it goes out, for Points to pay the reward.
    /// </summary>
    public static ReferralChange Qualify(ReferralChangeContext context, Referral referral)
    {
        var rewarded = referral.MoveTo(ReferralStatus.Rewarded, context.Now, context.CorrelationId);
        var qualified = new ReferralQualified(Guid.CreateVersion7(context.Now), context.ShopId, rewarded.Id, rewarded.CustomerId,
            rewarded.OrderId ?? 0, rewarded.CompletedAt ?? context.Now, rewarded.HoldUntil ?? context.Now, rewarded.Bonus?.TierId,
            rewarded.Bonus?.Multiplier ?? 1.0, rewarded.Bonus?.BonusPoints ?? 0, ReferralQualified.CurrentSchemaVersion, context.Now,
            context.CorrelationId);
        return Changed(context, referral.Status, rewarded,
            KafkaEnvelope.Publish(qualified, context.ShopId, ReferralQualified.EventType, ReferralQualified.CurrentSchemaVersion,
                context.CorrelationId));
    }

    /// <summary>
    /// The order was cancelled or refunded before the referral qualified (<paramref name="reason"/>: order_cancelled or
    /// order_refunded): cancelled, so its scheduled qualification finds nothing to do. Also the end of a conversion
    /// whose order's reversal arrived first (the referral is still open then, and records the order).
    /// </summary>
    public static ReferralChange CancelByOrder(ReferralChangeContext context, Referral referral, long orderId, string reason) =>
        Changed(context, referral.Status,
            referral.MoveTo(ReferralStatus.Cancelled, context.Now, context.CorrelationId, reason) with { OrderId = orderId });

    /// <summary>
    /// The order of a qualified referral was cancelled or refunded: cancelled with the reason, and `referral.reversed`
    /// claws the reward back (the refunded amount, the bonus that was paid).
    /// </summary>
    public static ReferralChange Reverse(ReferralChangeContext context, Referral referral, string reason, decimal amountRefunded,
        string? currency)
    {
        var cancelled = referral.MoveTo(ReferralStatus.Cancelled, context.Now, context.CorrelationId, reason);
        var reversed = new ReferralReversed(Guid.CreateVersion7(context.Now), context.ShopId, cancelled.Id, cancelled.CustomerId,
            cancelled.OrderId ?? 0, reason, amountRefunded.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture), currency,
            cancelled.Bonus?.TierId, cancelled.Bonus?.Multiplier ?? 1.0, cancelled.Bonus?.BonusPoints ?? 0,
            ReferralReversed.CurrentSchemaVersion, context.Now, context.CorrelationId);
        return Changed(context, referral.Status, cancelled,
            KafkaEnvelope.Publish(reversed, context.ShopId, ReferralReversed.EventType, ReferralReversed.CurrentSchemaVersion,
                context.CorrelationId));
    }

    /// <summary>The referral failed for a reason that no retry changes (e.g. self_referral).</summary>
    public static ReferralChange Fail(ReferralChangeContext context, Referral referral, string reason) =>
        Changed(context, referral.Status, referral.MoveTo(ReferralStatus.Failed, context.Now, context.CorrelationId, reason));

    /// <summary>
    /// A referral in its hold earned its referrer's VIP-tier bonus: the bonus is recorded on it (the qualification pays
    /// it) and announced on `referral.completed` (status completed, with the bonus). Not a status change: no audit
    /// record, no status count; the cached status drops it (the reward is on the wire).
    /// </summary>
    /// <param name="description">The completed status's text in the referral's locale.</param>
    public static ReferralChange RecordBonus(ReferralChangeContext context, Referral referral, ReferralBonus bonus, string description)
    {
        if (referral.Status != ReferralStatus.Completed)
            throw new IllegalReferralTransitionException(referral.Status, ReferralStatus.Completed);
        var held = referral with { BonusTierId = bonus.TierId, Bonus = bonus, UpdatedAt = context.Now, CorrelationId = context.CorrelationId };
        return new ReferralChange(held, MartenOps.Store(held),
        [
            Announce(context, held, description, bonus),
            ReferralStatusCache.Invalidate(context.ShopId, held, context.Now, context.CorrelationId),
        ]);
    }

    /// <summary>
    /// The referrals stay (they still count) but no longer name the redacted customer (Shopify customers/redact): as
    /// their referrer (<paramref name="asReferrer"/>), or as the buyer of the order that converted them (<paramref name="asBuyer"/>).
    /// </summary>
    public static IMartenOp Redact(IReadOnlyList<Referral> asReferrer, IReadOnlyList<Referral>? asBuyer = null)
    {
        var redacted = asReferrer.Select(r => r.WithoutReferrer()).ToDictionary(r => r.Id);
        foreach (var bought in asBuyer ?? [])
            redacted[bought.Id] = redacted.GetValueOrDefault(bought.Id, bought).WithoutBuyer();
        return redacted.Count > 0 ? MartenOps.StoreMany([.. redacted.Values]) : MartenOps.Nothing();
    }

    /// <summary>Every referral of the shop goes (Shopify shop/redact). Run in a session of the shop.</summary>
    public static IMartenOp EraseAllOfShop(Guid shopId)
    {
        var shop = shopId.ToString();
        return MartenOps.DeleteWhere<Referral>(r => r.AnyTenant() && r.TenantIsOneOf(shop));
    }

    /// <summary>
    /// A fraud rule asked for a merchant's review: in_progress, reason under_review, the rules' codes beside it, and the
    /// shop's hold from now as hold_until: the review's timeout fires then, and an approval holds the conversion until then.
    /// </summary>
    public static ReferralChange HoldForReview(ReferralChangeContext context, Referral referral, IReadOnlyList<string> reasons,
        TimeSpan hold)
    {
        var held = referral.MoveTo(ReferralStatus.InProgress, context.Now, context.CorrelationId, ReferralReason.UnderReview);
        return Changed(context, referral.Status, held with { FraudReasons = reasons, HoldUntil = context.Now + hold });
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
    /// <param name="holdDays">The shop's hold, for a review held before it had a hold_until: counted from when the order was judged.</param>
    public static ReferralChange Approve(ReferralChangeContext context, Referral referral, string description, ReferralBonus? bonus,
        int holdDays)
    {
        // The hold_until set when the review began: what is left of it still holds the conversion.
        var holdEnds = referral.HoldUntil ?? (referral.FraudCheckedAt ?? context.Now) + TimeSpan.FromDays(holdDays);
        var rest = holdEnds > context.Now ? holdEnds - context.Now : TimeSpan.Zero;
        return Complete(context, referral, referral.OrderId ?? 0, referral.BuyerId ?? Referral.RedactedCustomer, description, bonus, rest);
    }

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
        if (CountFunnelSteps.Of(from, changed) is { } funnel)
            messages.Add(funnel);
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

using System.Text.Json;
using JasperFx;
using Marten;
using Referrals.Service.Correlation;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Program;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Idempotency;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Features.Reversals;

public enum ReversalKind { Cancel, Refund }

/// <summary>
/// An accepted orders/cancelled or refunds/create webhook: which order, a cancellation or a refund (its id, the refunded
/// amount and currency). No PII; also what a dead letter of the webhook holds.
/// </summary>
public sealed record ReverseOrder(
    Guid ShopId,
    string WebhookId,
    long OrderId,
    ReversalKind Kind,
    long? RefundId,
    decimal Amount,
    string? Currency,
    DateTimeOffset ReceivedAt)
{
    public const string CancelEventType = "order.cancelled";
    public const string RefundEventType = "refund.created";

    public string EventType => Kind == ReversalKind.Cancel ? CancelEventType : RefundEventType;
}

/// <summary>Everything the decision needs, loaded before it is made.</summary>
public sealed record ReversalFacts(ProcessedEvent? Seen, OrderLedger? Ledger, Referral? Referral, ProgramSettings Settings,
    int AuditRetentionDays);

/// <summary>The outcomes of a reversal (`referrals_reversals_total{outcome}`, `processed_events.outcome`).</summary>
public static class ReversalOutcomes
{
    /// <summary>The reversal was already in the order's ledger (a redelivery under another webhook id).</summary>
    public const string AlreadySeen = "already_seen";
    /// <summary>No referral converted by the order (yet): remembered; a later conversion of it ends cancelled.</summary>
    public const string Remembered = "remembered";
    /// <summary>Refunds below the shop's fraction of the subtotal: counted, nothing reversed.</summary>
    public const string BelowFraction = "below_fraction";
    /// <summary>Within the hold: the referral is cancelled and will not qualify.</summary>
    public const string CancelledInHold = "cancelled_in_hold";
    /// <summary>After qualification: referral.reversed claws the reward back.</summary>
    public const string Reversed = "reversed";
    /// <summary>The order had already reversed its referral, or the referral is closed otherwise.</summary>
    public const string AlreadyReversed = "already_reversed";
}

/// <summary>
/// Reverses the conversion of an order: the reversal goes into the order's <see cref="OrderLedger"/> (once per refund
/// id, once for a cancellation), then, by <see cref="OrderReversalRules"/>: within the hold the referral is cancelled
/// with reason order_cancelled / order_refunded (its scheduled qualification then does nothing); after qualification
/// it is cancelled with the reason and `referral.reversed` goes out; no referral yet: remembered for the conversion.
/// </summary>
public static class ReverseOrderHandler
{
    public static void Configure(HandlerChain chain)
    {
        // The conversion, the qualification or another reversal of the order committed first: decide again on what it wrote.
        chain.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>().RetryTimes(3);
        ErrorPolicies.WaitOutStorageOutage(chain);
        ErrorPolicies.ParkAtOnce<JsonException>(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    public static async Task<ReversalFacts> LoadAsync(ReverseOrder reversal, IDocumentSession db, ShopDirectory shops, CancellationToken ct)
    {
        var seen = await db.LoadAsync<ProcessedEvent>(reversal.WebhookId, ct);
        var ledger = await db.LoadAsync<OrderLedger>(reversal.OrderId, ct);
        var referral = ledger?.ReferralId is { } referralId ? await ReferralQueries.ByIdAsync(db, referralId, ct) : null;
        var settings = await ProgramSettingsQueries.ForShopAsync(db, reversal.ShopId, ct);
        return new ReversalFacts(seen, ledger, referral, settings, Shop.AuditRetentionOf(await shops.FindAsync(reversal.ShopId, ct)));
    }

    /// <summary>The outcome of the reversal for the ledger as it is with it, and the referral as it is now.</summary>
    public static string Decide(OrderLedger? before, OrderLedger after, Referral? referral, double minRefundFraction)
    {
        if (ReferenceEquals(before, after))
            return ReversalOutcomes.AlreadySeen;
        if (before?.ReversedWith is not null)
            return ReversalOutcomes.AlreadyReversed;
        if (referral is null)
            return ReversalOutcomes.Remembered;
        if (OrderReversalRules.ReversingReason(after, minRefundFraction) is null)
            return ReversalOutcomes.BelowFraction;
        return referral.Status switch
        {
            ReferralStatus.Completed => ReversalOutcomes.CancelledInHold,
            ReferralStatus.Rewarded => ReversalOutcomes.Reversed,
            _ => ReversalOutcomes.AlreadyReversed,
        };
    }

    public static (IMartenOp, IMartenOp, IMartenOp, OutgoingMessages) Handle(ReverseOrder reversal, ReversalFacts facts,
        Envelope envelope, TimeProvider clock)
    {
        if (facts.Seen is { State: ProcessingState.Processed })
            return (MartenOps.Nothing(), MartenOps.Nothing(), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var before = facts.Ledger;
        var after = OrderReversalRules.Apply(before ?? new OrderLedger(reversal.OrderId, now), reversal, now);
        var outcome = Decide(before, after, facts.Referral, facts.Settings.MinRefundFractionToReverse);
        var seen = facts.Seen ?? new ProcessedEvent(reversal.WebhookId, reversal.EventType, ProcessingState.Accepted, null, reversal.ReceivedAt, null);
        var processed = MartenOps.Store(seen.Done(outcome, now));
        OutgoingMessages messages = [new CountReversal(outcome)];
        if (outcome == ReversalOutcomes.AlreadySeen)
            return (processed, MartenOps.Nothing(), MartenOps.Nothing(), messages);

        var context = new ReferralChangeContext(reversal.ShopId, now, CorrelationId.Of(envelope), facts.AuditRetentionDays);
        var reason = OrderReversalRules.ReversingReason(after, facts.Settings.MinRefundFractionToReverse);
        var change = outcome switch
        {
            ReversalOutcomes.CancelledInHold => ReferralChanges.CancelByOrder(context, facts.Referral!, reversal.OrderId, reason!),
            ReversalOutcomes.Reversed => ReferralChanges.Reverse(context, facts.Referral!, reason!, OrderReversalRules.AmountReversed(after),
                after.Currency),
            _ => null,
        };
        if (change is not null)
            after = after with { ReversedWith = reason };
        IMartenOp ledger = facts.Ledger is null ? MartenOps.Insert(after) : MartenOps.Store(after);
        if (change is null)
            return (processed, ledger, MartenOps.Nothing(), messages);
        messages.AddRange(change.Messages);
        return (processed, ledger, change.Operation, messages);
    }
}

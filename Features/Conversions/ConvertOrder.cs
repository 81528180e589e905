using System.Text.Json;
using Marten;
using JasperFx;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Translations;
using Referrals.Service.Idempotency;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using Wolverine.Marten;
using Referrals.Service.Clients;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Program;
using Referrals.Service.Features.Reversals;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// Turn an accepted orders/create webhook into a conversion, or into a counted non-conversion. Carries only
/// what attribution needs (no PII); this is also what a dead letter of a webhook holds.
/// </summary>
public sealed record ConvertOrder(
    Guid ShopId,
    string WebhookId,
    long OrderId,
    long? ShopifyCustomerId,
    bool Test,
    bool Cancelled,
    IReadOnlyList<string> DiscountCodes,
    string? LandingSiteRef,
    string? NoteReferralCode,
    DateTimeOffset ReceivedAt)
{
    public const string EventType = "order.created";

    public string? ReferralCode => ReferralAttribution.CodeOf(DiscountCodes, LandingSiteRef, NoteReferralCode);

    // The fraud rules' facts of the order (null: the webhook did not carry them). Init-only, so older dead letters bind.
    public decimal? Subtotal { get; init; }
    public decimal? TotalDiscounts { get; init; }
    public string? Currency { get; init; }
    public int? BuyerOrdersCount { get; init; }
    /// <summary>The salted hash of the browser IP and user agent (<see cref="BrowserFingerprints"/>); never the raw values.</summary>
    public string? BrowserFingerprint { get; init; }
}

/// <summary>
/// Everything the decision needs, loaded before it is made; <see cref="CustomerNotFoundRetryWindow"/> is how long a
/// buyer Core does not know yet is asked about again (<see cref="CustomerNotFoundRetry"/>; zero: not at all).
/// </summary>
public sealed record ConversionFacts(
    ProcessedEvent? Seen,
    Shop? Shop,
    Referral? Referral,
    Guid? ReferredCustomerId,
    bool ReferrerKnown,
    LocalizedText? Description,
    ReferralBonus? Bonus = null,
    TimeSpan CustomerNotFoundRetryWindow = default,
    FraudVerdict? Fraud = null,
    ProgramSettings? Program = null,
    OrderLedger? Ledger = null);

/// <summary>The outcomes of an order (`referrals_orders_total{outcome}`, `processed_events.outcome`).</summary>
public static class OrderOutcomes
{
    public const string NoReferral = "no_referral";
    public const string InactiveShop = "inactive_shop";
    public const string UnknownReferralCode = "unknown_referral_code";
    public const string CancelledOrder = "cancelled_order";
    public const string TestOrder = "test_order";
    public const string AlreadyConverted = "already_converted";
    public const string ReferralClosed = "referral_closed";
    public const string UnknownCustomer = "unknown_customer";
    public const string UnknownReferrer = "unknown_referrer";
    public const string SelfReferral = "self_referral";
    public const string UnderReview = "under_review";
    public const string FraudRejected = "fraud_rejected";
    public const string HeldForReview = "held_for_review";
    /// <summary>The order was cancelled or refunded (orders/cancelled, refunds/create) before its conversion was processed.</summary>
    public const string ReversedBeforeConversion = "reversed_before_conversion";
    public const string Converted = "converted";

    /// <summary>Outcomes that also count as errors: the order named someone or something this service cannot find.</summary>
    public static bool IsError(string outcome) => outcome is UnknownReferralCode or UnknownCustomer or UnknownReferrer;
}

/// <summary>
/// Outcomes, in the order they are checked: already_processed · no_referral · inactive_shop (uninstalled after the
/// webhook was accepted) · unknown_referral_code ·
/// cancelled_order · test_order (unless the shop allows test orders) · already_converted / referral_closed ·
/// unknown_customer (guest checkout, or a Shopify customer Core still does not know after
/// <see cref="CustomerNotFoundRetry"/>'s window) · unknown_referrer ·
/// self_referral (the buyer is the referrer, by platform id: the referral fails) ·
/// reversed_before_conversion (the order's cancellation or refund arrived first, <see cref="OrderLedger"/>: the referral
/// is cancelled with order_cancelled / order_refunded) · fraud_rejected / held_for_review (the shop's fraud rules,
/// <see cref="FraudCheck"/>: failed with the rule's reason, or in_progress under_review until a merchant or the review
/// timeout decides) · converted (held for the shop's HoldDays, then qualified). A referral under review takes no other
/// order (under_review).
/// Core unavailable is not an outcome: it throws, and the order is retried, then dead-lettered.
/// </summary>
public static class ConvertOrderHandler
{
    /// <summary>
    /// Postgres away is waited out (<see cref="ErrorPolicies.WaitOutStorageOutage"/>). Other transient failures (Core, Redis away) get three attempts with growing, jittered pauses, then
    /// the order is parked on referrals.dlq; what waiting cannot fix (a payload that does not bind) is parked
    /// at once. A concurrent conversion of the same referral is retried at once and then sees it converted.
    /// </summary>
    public static void Configure(HandlerChain chain)
    {
        // A concurrent conversion of the same referral, or a reversal of the order writing its ledger first.
        chain.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>().RetryTimes(3);
        ErrorPolicies.WaitOutStorageOutage(chain);
        ErrorPolicies.ParkAtOnce<JsonException>(chain);
        ErrorPolicies.ParkAtOnce<ArgumentException>(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    /// <summary>
    /// Two batched reads of the shop at most: what the order alone names (its webhook's row, the referral of its code,
    /// the shop's program settings, the order's ledger), then, for a buyer and a referrer Core knows, what depends on
    /// the referral's referrer (tier bonus, fraud facts). Nothing past the first is read for an order that cannot convert.
    /// </summary>
    public static async Task<ConversionFacts> LoadAsync(ConvertOrder order, IDocumentSession db, ShopDirectory shops,
        CoreCustomers core, LocalizedMessages messages, CustomerNotFoundRetry customerRetry, ILogger logger, TimeProvider clock,
        CancellationToken ct)
    {
        var code = order.ReferralCode;
        var first = db.CreateBatchQuery();
        var seenRead = first.Load<ProcessedEvent>(order.WebhookId);
        var referralRead = code is null ? Task.FromResult<Referral?>(null) : ReferralQueries.ByLinkId(first, code);
        var programRead = ProgramSettingsQueries.ForShop(first, order.ShopId);
        var ledgerRead = first.Load<OrderLedger>(order.OrderId);
        await first.Execute(ct);

        var seen = await seenRead;
        if (seen is { State: ProcessingState.Processed } || code is null)
            return new ConversionFacts(seen, null, null, null, false, null);

        var shop = await shops.FindAsync(order.ShopId, ct);
        var referral = await referralRead;
        if (referral is null || !IsConvertible(order, shop, referral))
            return new ConversionFacts(seen, shop, referral, null, false, null);

        // The line that ties an order to its referral in the logs (ids only, no PII).
        logger.LogInformation("Order {OrderId} names referral {ReferralId} ({Locale})", order.OrderId, referral.Id, referral.Locale);

        var referred = order.ShopifyCustomerId is { } shopifyCustomerId
            ? await core.FindByShopifyIdAsync(order.ShopId, shopifyCustomerId, ct)
            : null;
        var referrerKnown = referred is not null && await core.IsKnownAsync(order.ShopId, referral.CustomerId, ct);
        var program = await programRead;
        var ledger = await ledgerRead;
        if (referred is not { } buyer || !referrerKnown || buyer == referral.CustomerId)
            return new ConversionFacts(seen, shop, referral, referred, referrerKnown, null, null, customerRetry.Window, null, program, ledger);

        var buyerOrders = await ConversionFraud.BuyerOrdersAsync(core, program.Fraud, order.ShopId, buyer, order.BuyerOrdersCount, ct);
        var second = db.CreateBatchQuery();
        var bonusRead = TierBonuses.ForReferrer(second, order.ShopId, referral.CustomerId);
        var fraudRead = ConversionFraud.Load(second, program.Fraud, referral, buyer, buyerOrders, order.Subtotal, order.TotalDiscounts,
            order.Currency, order.BrowserFingerprint, clock.GetUtcNow());
        await second.Execute(ct);

        var description = await messages.GetAsync(order.ShopId, LocalizedMessages.StatusKey(ReferralStatus.Completed.Wire()), referral.Locale, ct);
        return new ConversionFacts(seen, shop, referral, buyer, referrerKnown, description, await bonusRead, customerRetry.Window,
            FraudCheck.Judge(program.Fraud, await fraudRead), program, ledger);
    }

    /// <summary>
    /// The decision, pure: the order's processed_events row, the referral's change (if any) and the messages that
    /// go out with them. Outcomes are counted by <see cref="CountOrderOutcome"/> once all of it committed.
    /// </summary>
    public static (IMartenOp, IMartenOp, OutgoingMessages) Handle(
        ConvertOrder order, ConversionFacts facts, Envelope envelope, TimeProvider clock)
    {
        if (facts.Seen is { State: ProcessingState.Processed })
            return (MartenOps.Nothing(), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var context = new ReferralChangeContext(order.ShopId, now, CorrelationId.Of(envelope), Shop.AuditRetentionOf(facts.Shop));
        var seen = facts.Seen ?? new ProcessedEvent(order.WebhookId, ConvertOrder.EventType, ProcessingState.Accepted, null, order.ReceivedAt, null);
        var outcome = Decide(order, facts);
        // A buyer Core does not know yet may be a record that lags the order: asked again later, nothing recorded meanwhile.
        if (outcome == OrderOutcomes.UnknownCustomer
            && CustomerNotFoundRetry.PauseBeforeAskingAgain(order, facts.CustomerNotFoundRetryWindow, now) is { } pause)
            return (MartenOps.Nothing(), MartenOps.Nothing(), [CustomerNotFoundRetry.AskAgainLater(order, envelope, pause)]);
        var processed = MartenOps.Store(seen.Done(outcome, now));
        var counted = new CountOrderOutcome(outcome);

        var judged = JudgedOrder(order, facts, now);
        var change = outcome switch
        {
            OrderOutcomes.SelfReferral => ReferralChanges.Fail(context, facts.Referral!, OrderOutcomes.SelfReferral),
            OrderOutcomes.ReversedBeforeConversion => ReferralChanges.CancelByOrder(context, facts.Referral!, order.OrderId,
                ReversingReason(order, facts)!),
            OrderOutcomes.FraudRejected => ReferralChanges.Reject(context, judged!, facts.Fraud!.Reasons),
            OrderOutcomes.HeldForReview => ReferralChanges.HoldForReview(context, judged!, facts.Fraud!.Reasons, TimeSpan.FromDays(HoldDaysOf(facts))),
            OrderOutcomes.Converted => ReferralChanges.Complete(context, judged ?? facts.Referral!, order.OrderId, facts.ReferredCustomerId!.Value,
                facts.Description!.Value, facts.Bonus, TimeSpan.FromDays(HoldDaysOf(facts))),
            _ => null,
        };
        if (outcome == OrderOutcomes.HeldForReview)
            change!.Messages.Add(DecideTimedOutReview.When(order.ShopId, change.Referral, context.CorrelationId));
        if (change is null)
            return (processed, MartenOps.Nothing(), [counted]);

        change.Messages.Add(counted);
        return (processed, change.AlsoDoing(LedgerOf(order, facts, change.Referral, now)).Operation, change.Messages);
    }

    private static int HoldDaysOf(ConversionFacts facts) => facts.Program?.HoldDays ?? ProgramSettings.DefaultHoldDays;

    /// <summary>The order's ledger as this order's conversion leaves it: its referral and subtotal (see <see cref="OrderLedger"/>).</summary>
    private static IMartenOp LedgerOf(ConvertOrder order, ConversionFacts facts, Referral referral, DateTimeOffset now)
    {
        var ledger = WithOrder(facts.Ledger ?? new OrderLedger(order.OrderId, now), order) with
        {
            ReferralId = referral.Id,
            ReversedWith = referral.Status == ReferralStatus.Cancelled ? referral.StatusReason : null,
            UpdatedAt = now,
        };
        return facts.Ledger is null ? MartenOps.Insert(ledger) : MartenOps.Store(ledger);
    }

    private static OrderLedger WithOrder(OrderLedger ledger, ConvertOrder order) =>
        ledger with { Subtotal = order.Subtotal ?? ledger.Subtotal, Currency = ledger.Currency ?? order.Currency };

    /// <summary>Why the order's reversals that arrived before it undo the conversion, or null (none, or refunds below the fraction).</summary>
    private static string? ReversingReason(ConvertOrder order, ConversionFacts facts) =>
        facts.Ledger is { } ledger
            ? OrderReversalRules.ReversingReason(WithOrder(ledger, order),
                facts.Program?.MinRefundFractionToReverse ?? ProgramSettings.DefaultMinRefundFractionToReverse)
            : null;

    /// <summary>The outcome of an order, checked in the order the class summary lists.</summary>
    public static string Decide(ConvertOrder order, ConversionFacts facts)
    {
        if (order.ReferralCode is null)
            return OrderOutcomes.NoReferral;
        if (facts.Shop is { Active: false })
            return OrderOutcomes.InactiveShop;
        if (facts.Referral is not { } referral)
            return OrderOutcomes.UnknownReferralCode;
        if (order.Cancelled)
            return OrderOutcomes.CancelledOrder;
        if (order.Test && facts.Shop is not { AllowTestOrders: true })
            return OrderOutcomes.TestOrder;
        if (ReferralChanges.IsUnderReview(referral))
            return OrderOutcomes.UnderReview;
        if (!IsOpen(referral))
            return referral.Status is ReferralStatus.Completed or ReferralStatus.Rewarded ? OrderOutcomes.AlreadyConverted : OrderOutcomes.ReferralClosed;
        if (facts.ReferredCustomerId is not { } buyer)
            return OrderOutcomes.UnknownCustomer;
        if (!facts.ReferrerKnown)
            return OrderOutcomes.UnknownReferrer;
        if (buyer == referral.CustomerId)
            return OrderOutcomes.SelfReferral;
        if (ReversingReason(order, facts) is not null)
            return OrderOutcomes.ReversedBeforeConversion;
        if (facts.Fraud is { Outcome: not FraudOutcome.Pass } fraud)
            return fraud.Outcome == FraudOutcome.Reject ? OrderOutcomes.FraudRejected : OrderOutcomes.HeldForReview;
        return OrderOutcomes.Converted;
    }

    // The referral with the order the fraud rules judged (ids and the browser hash only): the per-buyer and velocity
    // rules count these. Null when the rules did not judge the order.
    private static Referral? JudgedOrder(ConvertOrder order, ConversionFacts facts, DateTimeOffset now) =>
        facts is { Fraud: not null, Referral: { } referral, ReferredCustomerId: { } buyer }
            ? referral with { OrderId = order.OrderId, BuyerId = buyer, BrowserFingerprint = order.BrowserFingerprint, FraudCheckedAt = now }
            : null;

    private static bool IsOpen(Referral referral) => ReferralTransitions.CanMove(referral.Status, ReferralStatus.Completed);

    private static bool IsConvertible(ConvertOrder order, Shop? shop, Referral referral) =>
        shop is not { Active: false } && !order.Cancelled && (!order.Test || shop is { AllowTestOrders: true }) && IsOpen(referral)
        && !ReferralChanges.IsUnderReview(referral);
}

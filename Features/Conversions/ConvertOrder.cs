using System.Text.Json;
using Marten;
using JasperFx;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Links;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Translations;
using Referrals.Service.Idempotency;
using Referrals.Service.Infrastructure;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using Wolverine.Marten;

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
}

/// <summary>Everything the decision needs, loaded before it is made.</summary>
public sealed record ConversionFacts(
    ProcessedEvent? Seen,
    Shop? Shop,
    Referral? Referral,
    Guid? ReferredCustomerId,
    bool ReferrerKnown,
    LocalizedText? Description,
    ReferralBonus? Bonus = null);

/// <summary>
/// Outcomes, in the order they are checked: already_processed · no_referral · unknown_referral_code ·
/// cancelled_order · test_order (unless the shop allows test orders) · already_converted / referral_closed ·
/// unknown_customer (guest checkout, or a Shopify customer Core does not know) · unknown_referrer ·
/// self_referral (the buyer is the referrer, by platform id: the referral fails) · converted.
/// Core unavailable is not an outcome: it throws, and the order is retried, then dead-lettered.
/// </summary>
public static class ConvertOrderHandler
{
    /// <summary>
    /// Transient failures (Core, Postgres, Redis away) get three attempts with growing, jittered pauses, then
    /// the order is parked on referrals.dlq; what waiting cannot fix (a payload that does not bind) is parked
    /// at once. A concurrent conversion of the same referral is retried at once and then sees it converted.
    /// </summary>
    public static void Configure(HandlerChain chain)
    {
        chain.OnException<ConcurrencyException>().RetryTimes(3);
        ErrorPolicies.ParkAtOnce<JsonException>(chain);
        ErrorPolicies.ParkAtOnce<ArgumentException>(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    public static async Task<ConversionFacts> LoadAsync(ConvertOrder order, IDocumentSession db, ShopDirectory shops,
        CoreCustomers core, LocalizedMessages messages, CancellationToken ct)
    {
        var seen = await db.LoadAsync<ProcessedEvent>(order.WebhookId, ct);
        if (seen is { State: ProcessingState.Processed } || order.ReferralCode is not { } code)
            return new ConversionFacts(seen, null, null, null, false, null);

        var shop = await shops.FindAsync(order.ShopId, ct);
        var referral = await db.Query<Referral>().FirstOrDefaultAsync(r => r.ReferralLinkId == code, ct);
        if (referral is null || !IsConvertible(order, shop, referral))
            return new ConversionFacts(seen, shop, referral, null, false, null);

        var referred = order.ShopifyCustomerId is { } shopifyCustomerId
            ? await core.FindByShopifyIdAsync(order.ShopId, shopifyCustomerId, ct)
            : null;
        var referrerKnown = referred is not null && await core.IsKnownAsync(order.ShopId, referral.CustomerId, ct);
        var description = await messages.GetAsync(LocalizedMessages.StatusKey(ReferralStatus.Completed.Wire()), referral.Locale, ct);
        var bonus = await TierBonuses.ForReferrerAsync(db, order.ShopId, referral.CustomerId, ct);
        return new ConversionFacts(seen, shop, referral, referred, referrerKnown, description, bonus);
    }

    public static (IMartenOp, IMartenOp, OutgoingMessages) Handle(
        ConvertOrder order, ConversionFacts facts, TimeProvider clock, ReferralsMetrics metrics)
    {
        if (facts.Seen is { State: ProcessingState.Processed })
            return (MartenOps.Nothing(), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var seen = facts.Seen ?? new ProcessedEvent(order.WebhookId, ConvertOrder.EventType, ProcessingState.Accepted, null, order.ReceivedAt, null);
        var (outcome, referral) = Decide(order, facts, now);
        metrics.Order(outcome);
        var processed = MartenOps.Store(seen.Done(outcome, now));

        if (referral is null)
        {
            if (outcome is "unknown_referral_code" or "unknown_customer" or "unknown_referrer")
                metrics.Error(outcome);
            return (processed, MartenOps.Nothing(), []);
        }

        metrics.Conversion(referral.Status.Wire(), referral.Locale);
        var correlationId = CorrelationId.Current ?? Guid.NewGuid().ToString();
        var invalidate = KafkaEnvelope.Publish(
            new CacheInvalidate(CacheInvalidate.ReferralKey(order.ShopId, referral.Id), order.ShopId, CacheInvalidate.ReferralType, referral.Locale, now),
            order.ShopId, CacheInvalidate.EventType, CacheInvalidate.SchemaVersion);

        if (referral.Status != ReferralStatus.Completed)
            return (processed, MartenOps.Store(referral), [invalidate]);

        // A referrer holding a VIP tier: the conversion carries the tier's bonus (Features/Tiers/ApplyVipTier.cs).
        if (facts.Bonus is { } bonus)
            referral = referral with { BonusTierId = bonus.TierId };
        var completed = new ReferralCompleted(Guid.CreateVersion7(now), referral.CustomerId, order.ShopId, referral.Id,
            referral.Status.Wire(), referral.Locale, facts.Description!.Value, ReferralCompleted.CurrentSchemaVersion, now, correlationId,
            facts.Bonus?.TierId, facts.Bonus?.Multiplier ?? 1.0, facts.Bonus?.BonusPoints ?? 0);
        var thankYou = new ReferralTask(Guid.CreateVersion7(now), facts.ReferredCustomerId!.Value, order.ShopId, ReferralTask.ThankYou,
            referral.Locale, now, correlationId);

        return (processed, MartenOps.Store(referral),
        [
            KafkaEnvelope.Publish(completed, order.ShopId, ReferralCompleted.EventType, ReferralCompleted.CurrentSchemaVersion),
            KafkaEnvelope.Publish(thankYou, order.ShopId, ReferralTask.EventType, ReferralTask.SchemaVersion),
            invalidate,
        ]);
    }

    private static (string Outcome, Referral? Changed) Decide(ConvertOrder order, ConversionFacts facts, DateTimeOffset now)
    {
        if (order.ReferralCode is null)
            return ("no_referral", null);
        if (facts.Referral is not { } referral)
            return ("unknown_referral_code", null);
        if (order.Cancelled)
            return ("cancelled_order", null);
        if (order.Test && facts.Shop is not { AllowTestOrders: true })
            return ("test_order", null);
        if (!IsOpen(referral))
            return (referral.Status is ReferralStatus.Completed or ReferralStatus.Rewarded ? "already_converted" : "referral_closed", null);
        if (facts.ReferredCustomerId is not { } buyer)
            return ("unknown_customer", null);
        if (!facts.ReferrerKnown)
            return ("unknown_referrer", null);
        if (buyer == referral.CustomerId)
            return ("self_referral", referral.MoveTo(ReferralStatus.Failed, now, "self_referral"));
        return ("converted", referral.MoveTo(ReferralStatus.Completed, now, $"order {order.OrderId}"));
    }

    private static bool IsOpen(Referral referral) => ReferralTransitions.CanMove(referral.Status, ReferralStatus.Completed);

    private static bool IsConvertible(ConvertOrder order, Shop? shop, Referral referral) =>
        !order.Cancelled && (!order.Test || shop is { AllowTestOrders: true }) && IsOpen(referral);
}

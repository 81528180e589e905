using JasperFx;
using Marten;
using Referrals.Service.Correlation;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Tiers;
using Referrals.Service.Features.Translations;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Features.Program;

public enum ReviewDecision { Approve, Reject }

/// <summary>A merchant's decision on a conversion held for review (the review routes).</summary>
public sealed record DecideReview(Guid ShopId, Guid ReferralId, ReviewDecision Decision);

/// <summary>How a decision went: decided (the referral as it is now), no such referral, or not under review (any more).</summary>
public enum ReviewAnswer { Decided, NotFound, NotUnderReview }

public sealed record ReviewDecided(ReviewAnswer Answer, Referral? Referral);

/// <summary>What a decision needs: the referral, and for an approval the completed text and the referrer's tier bonus.</summary>
public sealed record ReviewFacts(Referral? Referral, LocalizedText? Completed, ReferralBonus? Bonus, int AuditRetentionDays,
    ReviewTimeout Timeout = ReviewTimeout.Approve, int HoldDays = ProgramSettings.DefaultHoldDays);

/// <summary>
/// The one place a review is decided, by a merchant (<see cref="DecideReviewHandler"/>) or by the shop's timeout
/// (<see cref="DecideTimedOutReviewHandler"/>). The referral's state decides: only a referral still under review
/// changes, so a second decision (or a timeout after the merchant's) changes nothing; optimistic concurrency settles a race.
/// </summary>
public static class ReviewDecisions
{
    public static async Task<ReviewFacts> LoadAsync(IDocumentSession db, ShopDirectory shops, LocalizedMessages messages, Guid shopId,
        Guid referralId, bool approving, CancellationToken ct)
    {
        var referral = await ReferralQueries.ByIdAsync(db, referralId, ct);
        var settings = await ProgramSettingsQueries.ForShopAsync(db, shopId, ct);
        var retention = Shop.AuditRetentionOf(await shops.FindAsync(shopId, ct));
        if (referral is null || !ReferralChanges.IsUnderReview(referral))
            return new ReviewFacts(referral, null, null, retention, settings.ReviewTimeout, settings.HoldDays);
        var approves = approving || settings.ReviewTimeout == ReviewTimeout.Approve;
        return new ReviewFacts(referral,
            approves ? await messages.GetAsync(shopId, LocalizedMessages.StatusKey(ReferralStatus.Completed.Wire()), referral.Locale, ct) : null,
            approves ? await TierBonuses.ForReferrerAsync(db, shopId, referral.CustomerId, ct) : null,
            retention, settings.ReviewTimeout, settings.HoldDays);
    }

    /// <summary>
    /// Approve: completed through <see cref="ReferralChanges.Approve"/>; reject: failed with <paramref name="rejectReason"/>.
    /// A decision is counted (approved, rejected, or timed_out when <paramref name="timedOut"/>) once it committed.
    /// </summary>
    public static (ReviewDecided, IMartenOp, OutgoingMessages) Decide(ReviewFacts facts, ReviewDecision decision, string rejectReason,
        ReferralChangeContext context, bool timedOut = false)
    {
        if (facts.Referral is not { } referral)
            return (new ReviewDecided(ReviewAnswer.NotFound, null), MartenOps.Nothing(), []);
        if (!ReferralChanges.IsUnderReview(referral))
            return (new ReviewDecided(ReviewAnswer.NotUnderReview, referral), MartenOps.Nothing(), []);
        var change = decision == ReviewDecision.Approve
            ? ReferralChanges.Approve(context, referral, facts.Completed!.Value, facts.Bonus, facts.HoldDays)
            : ReferralChanges.Reject(context, referral, [rejectReason]);
        change.Messages.Add(new CountReviewDecision(timedOut ? ReviewOutcomes.TimedOut
            : decision == ReviewDecision.Approve ? ReviewOutcomes.Approved : ReviewOutcomes.Rejected));
        return (new ReviewDecided(ReviewAnswer.Decided, change.Referral), change.Operation, change.Messages);
    }
}

public static class DecideReviewHandler
{
    public static Task<ReviewFacts> LoadAsync(DecideReview command, IDocumentSession db, ShopDirectory shops, LocalizedMessages messages,
        CancellationToken ct) =>
        ReviewDecisions.LoadAsync(db, shops, messages, command.ShopId, command.ReferralId, command.Decision == ReviewDecision.Approve, ct);

    public static (ReviewDecided, IMartenOp, OutgoingMessages) Handle(DecideReview command, ReviewFacts facts, Envelope envelope,
        TimeProvider clock) =>
        ReviewDecisions.Decide(facts, command.Decision, ReferralReason.ReviewRejected,
            new ReferralChangeContext(command.ShopId, clock.GetUtcNow(), CorrelationId.Of(envelope), facts.AuditRetentionDays));
}

/// <summary>
/// The end of a held conversion's hold: a review no merchant decided by then is decided by the shop's
/// <see cref="ProgramSettings.ReviewTimeout"/>. A durable scheduled message (outbox), sent with the hold.
/// </summary>
public sealed record DecideTimedOutReview(Guid ShopId, Guid ReferralId)
{
    /// <summary>Scheduled for the held referral's hold_until (<see cref="ReferralChanges.HoldForReview"/> sets it), for the shop.</summary>
    public static DeliveryMessage<DecideTimedOutReview> When(Guid shopId, Referral held, string correlationId) =>
        new DecideTimedOutReview(shopId, held.Id).WithDeliveryOptions(new DeliveryOptions
        {
            TenantId = shopId.ToString(),
            CorrelationId = correlationId,
            ScheduledTime = held.HoldUntil ?? throw new ArgumentException("a review is held until its hold_until", nameof(held)),
        });
}

public static class DecideTimedOutReviewHandler
{
    public static void Configure(HandlerChain chain)
    {
        // The merchant decided at the same moment: retried, it then finds the referral decided and does nothing.
        chain.OnException<ConcurrencyException>().RetryTimes(3);
        ErrorPolicies.WaitOutStorageOutage(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    public static Task<ReviewFacts> LoadAsync(DecideTimedOutReview command, IDocumentSession db, ShopDirectory shops,
        LocalizedMessages messages, CancellationToken ct) =>
        ReviewDecisions.LoadAsync(db, shops, messages, command.ShopId, command.ReferralId, approving: false, ct);

    public static (IMartenOp, OutgoingMessages) Handle(DecideTimedOutReview command, ReviewFacts facts, Envelope envelope, TimeProvider clock)
    {
        var decision = facts.Timeout == ReviewTimeout.Approve ? ReviewDecision.Approve : ReviewDecision.Reject;
        var (_, operation, messages) = ReviewDecisions.Decide(facts, decision, ReferralReason.ReviewRejected,
            new ReferralChangeContext(command.ShopId, clock.GetUtcNow(), CorrelationId.Of(envelope), facts.AuditRetentionDays),
            timedOut: true);
        return (operation, messages);
    }
}

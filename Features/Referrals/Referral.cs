using Referrals.Service.Correlation;
namespace Referrals.Service.Features.Referrals;

/// <summary>
/// A referral link of a shop's customer and where it stands. Multi-tenanted by shop. Every slice creates and
/// changes it through <see cref="ReferralChanges"/> and reads it through <see cref="ReferralQueries"/>; the status
/// moves only through <see cref="MoveTo"/>, which enforces the state machine. No PII: the referrer is a customer_id.
/// </summary>
public sealed record Referral(
    Guid Id,
    Guid CustomerId,
    string ReferralLinkId,
    ReferralStatus Status,
    string Locale,
    string RequestId,
    string SchemaVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Why the referral is in its status, when that is not obvious (e.g. "self_referral"). No PII.</summary>
    public string? StatusReason { get; init; }

    /// <summary>When the referral converted; tier bonuses look back from a tier assignment to this moment.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The VIP tier whose bonus this referral carried (at conversion, or applied later). Null: none yet.</summary>
    public string? BonusTierId { get; init; }

    /// <summary>The correlation id of the work that last changed the status; the audit trail records it.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The Shopify order that converted the referral, is under review, was rejected by a fraud rule, or whose reversal cancelled it before it converted.</summary>
    public long? OrderId { get; init; }

    /// <summary>When the conversion's hold ends and it qualifies, unless the order is reversed first. Null: not converted.</summary>
    public DateTimeOffset? HoldUntil { get; init; }

    /// <summary>The VIP-tier bonus the reward carries (recorded at conversion or by a tier assignment in the hold). Null: none.</summary>
    public ReferralBonus? Bonus { get; init; }

    // The fraud rules' record of the order that converted (or tried to): ids and a salted hash only, no PII.
    /// <summary>The buyer (customer_id) of that order: one referral per buyer, and the approved review's thank-you task.</summary>
    public Guid? BuyerId { get; init; }

    /// <summary>The order's salted browser hash (velocity rule); never the raw IP or user agent.</summary>
    public string? BrowserFingerprint { get; init; }

    /// <summary>When the fraud rules judged the order; the rolling windows look back to it.</summary>
    public DateTimeOffset? FraudCheckedAt { get; init; }

    /// <summary>The reason codes of the rules that held the referral for review or rejected it.</summary>
    public IReadOnlyList<string>? FraudReasons { get; init; }

    // The funnel's moments (GET /shops/{id}/funnel counts by them; failed is final, so a rejection's moment is updated_at).
    /// <summary>When an order that named the referral was first decided on (it left pending). Null: none yet.</summary>
    public DateTimeOffset? AttributedAt { get; init; }

    /// <summary>When the hold ended with no reversal (completed → rewarded). Null: never qualified.</summary>
    public DateTimeOffset? QualifiedAt { get; init; }

    /// <summary>When the order of the converted referral was cancelled or refunded (in the hold or after qualification).</summary>
    public DateTimeOffset? ReversedAt { get; init; }

    /// <summary>Stands in for a referrer whose identity was redacted (Shopify customers/redact).</summary>
    public static readonly Guid RedactedCustomer = Guid.Empty;

    /// <summary>
    /// The same referral without its referrer's identity: it still counts, it no longer says whose it was. Its request_id
    /// goes too: the idempotency key is (shop, customer, request_id), and two redacted customers who once sent the same
    /// request_id must not collide as the one redacted customer.
    /// </summary>
    public Referral WithoutReferrer() => this with { CustomerId = RedactedCustomer, RequestId = $"redacted:{Id}" };

    /// <summary>The same referral without its order's buyer: no buyer id, no browser hash (the rules' record of them).</summary>
    public Referral WithoutBuyer() => this with { BuyerId = null, BrowserFingerprint = null };

    public Referral MoveTo(ReferralStatus next, DateTimeOffset now, string correlationId, string? reason = null) =>
        ReferralTransitions.CanMove(Status, next)
            ? this with
            {
                Status = next,
                UpdatedAt = now,
                StatusReason = reason,
                CompletedAt = next == ReferralStatus.Completed ? now : CompletedAt,
                AttributedAt = Status == ReferralStatus.Pending ? now : AttributedAt,
                QualifiedAt = next == ReferralStatus.Rewarded ? now : QualifiedAt,
                ReversedAt = next == ReferralStatus.Cancelled && Status is ReferralStatus.Completed or ReferralStatus.Rewarded ? now : ReversedAt,
                CorrelationId = correlationId,
            }
            : throw new IllegalReferralTransitionException(Status, next);
}

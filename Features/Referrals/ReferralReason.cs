namespace Referrals.Service.Features.Referrals;

/// <summary>
/// Why a referral is where it is, machine-readable: <see cref="Referral.StatusReason"/>, the audit record, the
/// `reason` of GetReferralStatus (enum ReferralReason, REFERRAL_REASON_&lt;UPPER&gt;) and the localized reason text
/// (message key `reason.&lt;code&gt;`). No PII.
/// </summary>
public static class ReferralReason
{
    public const string SelfReferral = "self_referral";
    public const string NotNewCustomer = "not_new_customer";
    public const string BelowMinimum = "below_minimum";
    public const string AdvocateCapReached = "advocate_cap_reached";
    public const string BuyerAlreadyReferred = "buyer_already_referred";
    public const string Velocity = "velocity";
    public const string AdvocateBlocked = "advocate_blocked";
    public const string UnderReview = "under_review";
    public const string ReviewRejected = "review_rejected";
    public const string OrderCancelled = "order_cancelled";
    public const string OrderRefunded = "order_refunded";

    public static readonly IReadOnlyList<string> All =
    [
        SelfReferral, NotNewCustomer, BelowMinimum, AdvocateCapReached, BuyerAlreadyReferred, Velocity, AdvocateBlocked,
        UnderReview, ReviewRejected, OrderCancelled, OrderRefunded,
    ];
}

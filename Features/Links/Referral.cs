namespace Referrals.Service.Features.Links;

/// <summary>
/// A referral link of a shop's customer and where it stands. Multi-tenanted by shop. Links creates it;
/// other slices move it only through <see cref="MoveTo"/>, which enforces the state machine.
/// No PII: the referrer is a customer_id.
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

    public Referral MoveTo(ReferralStatus next, DateTimeOffset now, string? reason = null) =>
        ReferralTransitions.CanMove(Status, next)
            ? this with { Status = next, UpdatedAt = now, StatusReason = reason }
            : throw new IllegalReferralTransitionException(Status, next);
}

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
    public Referral MoveTo(ReferralStatus next, DateTimeOffset now) =>
        ReferralTransitions.CanMove(Status, next)
            ? this with { Status = next, UpdatedAt = now }
            : throw new IllegalReferralTransitionException(Status, next);
}

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// `referral.milestone_reached` (wire contract, snake_case, key shop_id): an advocate's <see cref="Milestone"/>-th
/// referral qualified and the shop pays <see cref="Points"/> for that milestone. Once per (shop, advocate, milestone);
/// a later reversal of a referral does not take it back (`referral.reversed` claws back that referral's own reward).
/// `customer_id` is the advocate's platform id; `referral_id` the referral whose qualification reached it. No PII.
/// </summary>
public sealed record ReferralMilestoneReached(
    Guid EventId,
    Guid ShopId,
    Guid CustomerId,
    Guid ReferralId,
    int Milestone,
    int Points,
    string SchemaVersion,
    DateTimeOffset OccurredAt,
    string CorrelationId)
{
    public const string EventType = "referral.milestone_reached";
    public const string CurrentSchemaVersion = "1.0.0";
}

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// `referral.qualified` (wire contract, snake_case, key shop_id): a conversion's hold ended with no reversal of its
/// order; the referral is `rewarded` and its reward is due. Points pays on this event, once per referral: the
/// reward with the VIP-tier bonus recorded on the referral (tier_id null, multiplier 1.0, 0 points when none).
/// `customer_id` is the referrer's platform id. No PII.
/// </summary>
public sealed record ReferralQualified(
    Guid EventId,
    Guid ShopId,
    Guid ReferralId,
    Guid CustomerId,
    long OrderId,
    DateTimeOffset CompletedAt,
    DateTimeOffset HoldUntil,
    string? TierId,
    double BonusMultiplier,
    int BonusPoints,
    string SchemaVersion,
    DateTimeOffset CreatedAt,
    string CorrelationId)
{
    public const string EventType = "referral.qualified";
    public const string CurrentSchemaVersion = "1.0.0";
}

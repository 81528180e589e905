using Referrals.Service.Correlation;
namespace Referrals.Service.Features.Referrals;

/// <summary>
/// `referral.completed` (wire contract, the seed's payload, snake_case): a referred order converted, or a
/// converted referral received a VIP-tier bonus (status `rewarded`). Consumed by Points, RFM Analytics and
/// AdminCore. `customer_id` is the referrer's platform id; `description` is the status description in the
/// referral's locale. No PII.
/// Schema 1.1.0 added `tier_id`, `bonus_multiplier` and `bonus_points`, with defaults (no tier, 1.0, 0) so a
/// reader of 1.0.0 keeps reading every event and a 1.1.0 reader of an old event sees "no bonus".
/// </summary>
public sealed record ReferralCompleted(
    Guid EventId,
    Guid CustomerId,
    Guid ShopId,
    Guid ReferralId,
    string Status,
    string Locale,
    string Description,
    string SchemaVersion,
    DateTimeOffset CreatedAt,
    string CorrelationId,
    string? TierId = null,
    double BonusMultiplier = 1.0,
    int BonusPoints = 0)
{
    public const string EventType = "referral.completed";
    public const string CurrentSchemaVersion = "1.1.0";
}

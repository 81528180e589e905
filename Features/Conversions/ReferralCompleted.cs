namespace Referrals.Service.Features.Conversions;

/// <summary>
/// `referral.completed` (wire contract, the seed's payload, snake_case): a referred order converted.
/// Consumed by Points, RFM Analytics and AdminCore. `customer_id` is the referrer's platform id;
/// `description` is the status description in the referral's locale. No PII.
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
    string CorrelationId)
{
    public const string EventType = "referral.completed";
    public const string CurrentSchemaVersion = "1.0.0";
}

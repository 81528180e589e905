namespace Referrals.Service.Features.Referrals;

/// <summary>
/// `referral.reversed` (wire contract, snake_case, key shop_id): the order of a qualified (rewarded) referral was
/// cancelled or refunded, so the reward paid on `referral.qualified` is clawed back. `reason` is order_cancelled or
/// order_refunded; `amount_refunded` is the refunded amount as a decimal string in `currency` (the order's subtotal
/// for a cancellation; null currency when Shopify did not say). No PII.
/// </summary>
public sealed record ReferralReversed(
    Guid EventId,
    Guid ShopId,
    Guid ReferralId,
    Guid CustomerId,
    long OrderId,
    string Reason,
    string AmountRefunded,
    string? Currency,
    string? TierId,
    double BonusMultiplier,
    int BonusPoints,
    string SchemaVersion,
    DateTimeOffset CreatedAt,
    string CorrelationId)
{
    public const string EventType = "referral.reversed";
    public const string CurrentSchemaVersion = "1.0.0";
}

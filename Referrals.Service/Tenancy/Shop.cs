namespace Referrals.Service.Tenancy;

/// <summary>
/// A Shopify shop this service serves. The shop's id is the tenant id of every other document; the
/// registry itself is global, because a webhook names its shop by domain before any tenant is known.
/// </summary>
public sealed record Shop(Guid Id, string Domain, string WebhookSecret, bool AllowTestOrders, DateTimeOffset UpdatedAt)
{
    public const int MinAuditRetentionDays = 90;
    public const int MaxAuditRetentionDays = 180;

    /// <summary>
    /// How long AdminCore keeps this shop's `audit_log` events (the shop's retention class, 90–180 days, then cold-tier
    /// archival). Outside the range, the nearest bound applies.
    /// </summary>
    public int AuditRetentionDays { get; init; } = MinAuditRetentionDays;

    /// <summary>The retention class of a shop's audit events; a shop the registry does not know gets the shortest.</summary>
    public static int AuditRetentionOf(Shop? shop) =>
        Math.Clamp(shop?.AuditRetentionDays ?? MinAuditRetentionDays, MinAuditRetentionDays, MaxAuditRetentionDays);
}

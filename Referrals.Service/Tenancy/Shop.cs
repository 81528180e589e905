namespace Referrals.Service.Tenancy;

/// <summary>
/// A Shopify shop this service serves, as the shop registry knows it. The shop's id is the tenant id of every other
/// document; the registry itself is global, because a webhook names its shop by domain before any tenant is known.
/// It holds no secret: Shopify signs every shop's webhooks with the app's client secret (configuration).
/// An inactive shop (the app was uninstalled) is still known, but its order webhooks convert nothing.
/// </summary>
public sealed record Shop(Guid Id, string Domain, bool AllowTestOrders, bool Active, DateTimeOffset UpdatedAt)
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

namespace Referrals.Service.Tenancy;

/// <summary>
/// A Shopify shop this service serves. The shop's id is the tenant id of every other document; the
/// registry itself is global, because a webhook names its shop by domain before any tenant is known.
/// </summary>
public sealed record Shop(Guid Id, string Domain, string WebhookSecret, bool AllowTestOrders, DateTimeOffset UpdatedAt);

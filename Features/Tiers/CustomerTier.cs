namespace Referrals.Service.Features.Tiers;

/// <summary>
/// The VIP tier a shop's customer holds now (id = customer_id, tenant = shop_id), from the newest
/// `vip_tier.assigned` by assigned_at: an older assignment arriving later never replaces it.
/// </summary>
public sealed record CustomerTier(Guid Id, string TierId, DateTimeOffset AssignedAt, string EventId, DateTimeOffset UpdatedAt);

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// A shop's VIP-tier referral bonus policy (one per shop; id = shop_id, tenant = shop_id): per tier, a multiplier
/// of the referral reward and/or fixed bonus points, and how many days before a tier assignment a completed
/// referral still earns that tier's bonus.
/// </summary>
public sealed record BonusPolicy(Guid Id, int LookBackDays, IReadOnlyList<TierBonus> Tiers, DateTimeOffset UpdatedAt)
{
    public TierBonus? BonusFor(string tierId) => Tiers.FirstOrDefault(t => t.TierId == tierId);
}

public sealed record TierBonus(string TierId, double Multiplier, int BonusPoints);

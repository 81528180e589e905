using Marten;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Tiers;

/// <summary>The named query other slices use for tier bonuses (Conversions asks at conversion time).</summary>
public static class TierBonuses
{
    /// <summary>The referrer's tier bonus in the shop, or null when they hold no tier or the policy gives it none.</summary>
    /// <param name="db">A session of the shop (tenant).</param>
    public static async Task<ReferralBonus?> ForReferrerAsync(IQuerySession db, Guid shopId, Guid customerId, CancellationToken ct)
    {
        if (await db.LoadAsync<CustomerTier>(customerId, ct) is not { } tier)
            return null;
        var policy = await db.LoadAsync<BonusPolicy>(shopId, ct);
        return policy?.BonusFor(tier.TierId) is { } bonus ? new ReferralBonus(tier.TierId, bonus.Multiplier, bonus.BonusPoints) : null;
    }
}

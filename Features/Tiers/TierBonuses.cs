using Marten;
using Marten.Services.BatchQuerying;
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
        return Of(tier, await db.LoadAsync<BonusPolicy>(shopId, ct));
    }

    /// <summary>The same, read with the rest of a batch of the shop (one round trip for all of it).</summary>
    public static async Task<ReferralBonus?> ForReferrer(IBatchedQuery batch, Guid shopId, Guid customerId)
    {
        var tier = batch.Load<CustomerTier>(customerId);
        var policy = batch.Load<BonusPolicy>(shopId);
        return await tier is { } held ? Of(held, await policy) : null;
    }

    private static ReferralBonus? Of(CustomerTier tier, BonusPolicy? policy) =>
        policy?.BonusFor(tier.TierId) is { } bonus ? new ReferralBonus(tier.TierId, bonus.Multiplier, bonus.BonusPoints) : null;
}

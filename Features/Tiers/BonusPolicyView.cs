using System.Text.Json;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Tiers;

/// <summary>The policy as the REST endpoints show it (snake_case).</summary>
public sealed record BonusPolicyView(Guid ShopId, int LookBackDays, IReadOnlyList<TierBonusView> Tiers, DateTimeOffset UpdatedAt)
{
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    public static BonusPolicyView Of(BonusPolicy policy) => new(policy.Id, policy.LookBackDays,
        [.. policy.Tiers.Select(t => new TierBonusView(t.TierId, t.Multiplier, t.BonusPoints))], policy.UpdatedAt);
}

public sealed record TierBonusView(string TierId, double Multiplier, int BonusPoints);

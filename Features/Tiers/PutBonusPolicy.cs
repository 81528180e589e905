using FastEndpoints;
using FluentValidation;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Tiers;

public sealed class PutBonusPolicyRequest
{
    public Guid ShopId { get; set; }
    public int LookBackDays { get; set; }
    public List<TierBonusView> Tiers { get; set; } = [];
}

public sealed class PutBonusPolicyValidator : Validator<PutBonusPolicyRequest>
{
    public PutBonusPolicyValidator()
    {
        RuleFor(r => r.ShopId).NotEmpty();
        RuleFor(r => r.LookBackDays).InclusiveBetween(1, 365);
        RuleFor(r => r.Tiers).NotEmpty().Must(tiers => tiers.Count <= 20).WithMessage("at most 20 tiers")
            .Must(tiers => tiers.Select(t => t.TierId).Distinct(StringComparer.Ordinal).Count() == tiers.Count)
            .WithMessage("tier ids must be unique");
        RuleForEach(r => r.Tiers).ChildRules(tier =>
        {
            tier.RuleFor(t => t.TierId).NotEmpty().MaximumLength(64).Matches("^[A-Za-z0-9_.-]+$");
            tier.RuleFor(t => t.Multiplier).InclusiveBetween(1.0, 10.0);
            tier.RuleFor(t => t.BonusPoints).InclusiveBetween(0, 100_000);
        });
    }
}

/// <summary>
/// PUT /shops/{shop_id}/tier-bonus-policy: replaces the shop's VIP-tier bonus policy (`merchant:referrals:admin` of the shop).
/// Applies to tier assignments and conversions from now on; bonuses already granted stay.
/// </summary>
public sealed class PutBonusPolicy(IDocumentStore store, TimeProvider clock) : Endpoint<PutBonusPolicyRequest>
{
    public override void Configure()
    {
        Put(BonusPolicyRoute.Template);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        // Authorized before binding and validation: another shop's token hears 403, never what was wrong in the body.
        Policies(AccessPolicies.MerchantAdmin);
    }

    public override async Task HandleAsync(PutBonusPolicyRequest request, CancellationToken ct)
    {
        var policy = new BonusPolicy(request.ShopId, request.LookBackDays,
            [.. request.Tiers.Select(t => new TierBonus(t.TierId, t.Multiplier, t.BonusPoints))], clock.GetUtcNow());
        await using var session = store.LightweightSession(request.ShopId.ToString());
        session.Store(policy);
        await session.SaveChangesAsync(ct);
        await Send.ResultAsync(TypedResults.Json(BonusPolicyView.Of(policy), BonusPolicyView.Json));
    }
}

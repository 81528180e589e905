using FastEndpoints;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Tiers;

public sealed record GetBonusPolicyRequest(Guid ShopId);

/// <summary>GET /shops/{shop_id}/tier-bonus-policy: the shop's VIP-tier bonus policy (a merchant of the shop, view or admin).</summary>
public sealed class GetBonusPolicy(IDocumentStore store) : Endpoint<GetBonusPolicyRequest>
{
    public override void Configure()
    {
        Get(BonusPolicyRoute.Template);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantReader);
    }

    public override async Task HandleAsync(GetBonusPolicyRequest request, CancellationToken ct)
    {
        await using var session = store.QuerySession(request.ShopId.ToString());
        var policy = await session.LoadAsync<BonusPolicy>(request.ShopId, ct);
        await Send.ResultAsync(policy is null
            ? BonusPolicyRoute.Problem(StatusCodes.Status404NotFound, "no_policy", $"shop {request.ShopId} has no tier bonus policy")
            : TypedResults.Json(BonusPolicyView.Of(policy), BonusPolicyView.Json));
    }
}

using FastEndpoints;
using Marten;
using Referrals.Service.Auth;

namespace Referrals.Service.Features.Tiers;

public sealed record GetBonusPolicyRequest(Guid ShopId);

/// <summary>GET /shops/{shop_id}/tier-bonus-policy: the shop's VIP-tier bonus policy (merchant token of the shop).</summary>
public sealed class GetBonusPolicy(IDocumentStore store, ValidateCallerToken tokens) : Endpoint<GetBonusPolicyRequest>
{
    public override void Configure()
    {
        Get(BonusPolicyRoute.Template);
        AllowAnonymous(); // the merchant's bearer token is checked through Auth in MerchantOfShop
    }

    public override async Task HandleAsync(GetBonusPolicyRequest request, CancellationToken ct)
    {
        if (await MerchantOfShop.RefusalAsync(HttpContext, tokens, request.ShopId, ct) is { } refusal)
        {
            await Send.ResultAsync(refusal);
            return;
        }

        await using var session = store.QuerySession(request.ShopId.ToString());
        var policy = await session.LoadAsync<BonusPolicy>(request.ShopId, ct);
        await Send.ResultAsync(policy is null
            ? MerchantOfShop.Problem(StatusCodes.Status404NotFound, "no_policy", $"shop {request.ShopId} has no tier bonus policy")
            : TypedResults.Json(BonusPolicyView.Of(policy), BonusPolicyView.Json));
    }
}

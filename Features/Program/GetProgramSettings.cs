using FastEndpoints;
using Marten;
using Referrals.Service.Auth;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Program;

public sealed record GetProgramSettingsRequest(Guid ShopId);

/// <summary>GET /shops/{shop_id}/program-settings: the shop's program settings, the defaults when it never set any (a merchant of the shop).</summary>
public sealed class GetProgramSettings(IDocumentStore store) : Endpoint<GetProgramSettingsRequest>
{
    public override void Configure()
    {
        Get(ProgramRoutes.Settings);
        Options(route => route.RequireRateLimiting(WebhookRateLimits.AdminPolicy));
        Policies(AccessPolicies.MerchantReader);
    }

    public override async Task HandleAsync(GetProgramSettingsRequest request, CancellationToken ct)
    {
        await using var session = store.QuerySession(request.ShopId.ToString());
        var settings = await ProgramSettingsQueries.ForShopAsync(session, request.ShopId, ct);
        await Send.ResultAsync(TypedResults.Json(ProgramSettingsBody.Of(settings), ProgramSettingsBody.Json));
    }
}

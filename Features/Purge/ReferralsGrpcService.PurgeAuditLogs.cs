using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Referrals.Contracts.V1;
using Referrals.Service.Auth;
using Referrals.Service.Features.Purge;

namespace Referrals.Service.Features;

public sealed partial class ReferralsGrpcService
{
    /// <summary>
    /// AdminCore calls with its own token in metadata (scope `admin:audit:purge`, <see cref="AccessPolicies.AuditPurger"/>);
    /// jwt_token is the token of the merchant who asked, validated through Auth (revoked, expired or invalid →
    /// UNAUTHENTICATED) and held to <see cref="AccessPolicies.MerchantAdmin"/> for shop_id (else PERMISSION_DENIED).
    /// With the jti blacklist away either token is UNAVAILABLE. Nothing is recorded or erased unless all of it holds.
    /// </summary>
    [Authorize(Policy = AccessPolicies.AuditPurger)]
    public override async Task<PurgeAuditLogsResponse> PurgeAuditLogs(PurgeAuditLogsRequest request, ServerCallContext context)
    {
        var shopId = RpcGuard.Uuid(request.ShopId, "shop_id");
        var merchantToken = RpcGuard.Text(request.JwtToken, "jwt_token", maxLength: 8192);

        var answer = await bus.InvokeAsync<PurgeAnswer>(new RequestAuditPurge(shopId, merchantToken), context.CancellationToken);
        var accepted = answer.Accepted ?? throw new RpcException(answer.Refusal!.Value);
        return new PurgeAuditLogsResponse { PurgeId = accepted.PurgeId.ToString(), Status = accepted.Status };
    }
}

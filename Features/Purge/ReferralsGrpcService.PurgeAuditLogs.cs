using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Auth;
using Referrals.Service.Features.Purge;

namespace Referrals.Service.Features;

public sealed partial class ReferralsGrpcService
{
    /// <summary>
    /// AdminCore calls with its own token in metadata (scope <see cref="PurgeModule.AdminPurgeScope"/>); jwt_token is
    /// the token of the merchant who asked, validated through Auth (revoked, expired or invalid → UNAUTHENTICATED) and
    /// a merchant token of shop_id (else PERMISSION_DENIED). Nothing is recorded or erased unless all of it holds.
    /// </summary>
    public override async Task<PurgeAuditLogsResponse> PurgeAuditLogs(PurgeAuditLogsRequest request, ServerCallContext context)
    {
        var shopId = RpcGuard.Uuid(request.ShopId, "shop_id");
        var merchantToken = RpcGuard.Text(request.JwtToken, "jwt_token", maxLength: 8192);
        RpcGuard.Allow(AuthenticateCaller.Caller(context).Scopes.Contains(PurgeModule.AdminPurgeScope),
            $"the caller's token lacks the {PurgeModule.AdminPurgeScope} scope");

        var answer = await bus.InvokeAsync<PurgeAnswer>(new RequestAuditPurge(shopId, merchantToken), context.CancellationToken);
        var accepted = answer.Accepted ?? throw new RpcException(answer.Refusal!.Value);
        return new PurgeAuditLogsResponse { PurgeId = accepted.PurgeId.ToString(), Status = accepted.Status };
    }
}

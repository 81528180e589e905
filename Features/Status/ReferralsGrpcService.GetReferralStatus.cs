using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Referrals.Contracts.V1;
using Referrals.Service.Auth;
using Referrals.Service.Features.StatusReads;
using GetReferralStatusQuery = Referrals.Service.Features.StatusReads.GetReferralStatus;

namespace Referrals.Service.Features;

public sealed partial class ReferralsGrpcService
{
    public override async Task<GetReferralStatusResponse> GetReferralStatus(GetReferralStatusRequest request, ServerCallContext context)
    {
        var shopId = RpcGuard.Uuid(request.ShopId, "shop_id");
        var referralId = RpcGuard.Uuid(request.ReferralId, "referral_id");
        var caller = AuthenticateCaller.Caller(context);
        // Another shop's token learns nothing, not even whether the referral exists.
        RpcGuard.Allow(caller.ShopId == shopId, "the token is not for this shop");

        var lookup = await bus.InvokeForTenantAsync<ReferralStatusLookup>(shopId.ToString(),
            new GetReferralStatusQuery(shopId, referralId, request.Locale), context.CancellationToken);
        var answer = lookup.Answer ?? throw new RpcException(new Status(StatusCode.NotFound, $"referral {referralId} not found"));
        RpcGuard.Allow(caller.MaySee(shopId, answer.CustomerId), "the token does not allow reading this referral");

        return new GetReferralStatusResponse
        {
            Status = answer.Status.ToProto(),
            Description = answer.Description.Value,
            Locale = answer.Description.Locale,
            ReferralLinkId = answer.ReferralLinkId,
            UpdatedAt = Timestamp.FromDateTimeOffset(answer.UpdatedAt),
        };
    }
}

using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Referrals.Contracts.V1;
using Referrals.Service.Auth;
using Referrals.Service.Features.StatusReads;
using GetReferralStatusQuery = Referrals.Service.Features.StatusReads.GetReferralStatus;

namespace Referrals.Service.Features;

public sealed partial class ReferralsGrpcService
{
    /// <summary>
    /// The policy answers before any lookup (no read scope, another shop: PERMISSION_DENIED, whether or not the
    /// referral exists). A customer hears the same PERMISSION_DENIED for another customer's referral and a missing one.
    /// </summary>
    [Authorize(Policy = AccessPolicies.ReferralReader)]
    public override async Task<GetReferralStatusResponse> GetReferralStatus(GetReferralStatusRequest request, ServerCallContext context)
    {
        var shopId = RpcGuard.Uuid(request.ShopId, "shop_id");
        var referralId = RpcGuard.Uuid(request.ReferralId, "referral_id");
        var caller = context.Caller();

        var lookup = await context.GetHttpContext().RequestServices.GetRequiredService<AnswerReferralStatus>()
            .AnswerAsync(new GetReferralStatusQuery(shopId, referralId, request.Locale), context.CancellationToken);
        if (!caller.IsMerchantOf(shopId))
            RpcGuard.Allow(lookup.Answer is { } own && caller.MaySee(shopId, own.CustomerId), "the token does not allow reading this referral");
        var answer = lookup.Answer ?? throw new RpcException(new Status(StatusCode.NotFound, $"referral {referralId} not found"));

        return new GetReferralStatusResponse
        {
            Status = answer.Status.ToProto(),
            Description = answer.Description.Value,
            Locale = answer.Description.Locale,
            ReferralLinkId = answer.ReferralLinkId,
            UpdatedAt = Timestamp.FromDateTimeOffset(answer.UpdatedAt),
            Reason = ReferralReasonMapping.ToProto(answer.Reason),
            ReasonDescription = answer.ReasonDescription?.Value ?? "",
            HoldUntil = answer.HoldUntil is { } holdUntil ? Timestamp.FromDateTimeOffset(holdUntil) : null,
            Reward = answer.Reward is { } reward ? new ReferralReward { Points = reward.BonusPoints, Multiplier = reward.Multiplier } : null,
        };
    }
}

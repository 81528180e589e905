using ProtoStatus = Referrals.Contracts.V1.ReferralStatus;
using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features;

public static class ReferralStatusMapping
{
    public static ProtoStatus ToProto(this ReferralStatus status) => status switch
    {
        ReferralStatus.Queued => ProtoStatus.Queued,
        ReferralStatus.Pending => ProtoStatus.Pending,
        ReferralStatus.InProgress => ProtoStatus.InProgress,
        ReferralStatus.Completed => ProtoStatus.Completed,
        ReferralStatus.Rewarded => ProtoStatus.Rewarded,
        ReferralStatus.Failed => ProtoStatus.Failed,
        ReferralStatus.Cancelled => ProtoStatus.Cancelled,
        _ => ProtoStatus.Unspecified,
    };
}

using ProtoReason = Referrals.Contracts.V1.ReferralReason;
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

public static class ReferralReasonMapping
{
    /// <summary>A <see cref="ReferralReason"/> code as REFERRAL_REASON_&lt;UPPER&gt;; UNSPECIFIED for none.</summary>
    public static ProtoReason ToProto(string? reason) => reason switch
    {
        ReferralReason.SelfReferral => ProtoReason.SelfReferral,
        ReferralReason.NotNewCustomer => ProtoReason.NotNewCustomer,
        ReferralReason.BelowMinimum => ProtoReason.BelowMinimum,
        ReferralReason.AdvocateCapReached => ProtoReason.AdvocateCapReached,
        ReferralReason.BuyerAlreadyReferred => ProtoReason.BuyerAlreadyReferred,
        ReferralReason.Velocity => ProtoReason.Velocity,
        ReferralReason.AdvocateBlocked => ProtoReason.AdvocateBlocked,
        ReferralReason.UnderReview => ProtoReason.UnderReview,
        ReferralReason.ReviewRejected => ProtoReason.ReviewRejected,
        ReferralReason.OrderCancelled => ProtoReason.OrderCancelled,
        ReferralReason.OrderRefunded => ProtoReason.OrderRefunded,
        _ => ProtoReason.Unspecified,
    };
}

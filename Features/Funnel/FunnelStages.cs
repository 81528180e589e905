using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Funnel;

/// <summary>
/// The funnel of a referral program, stage by stage (`referrals_funnel_total{stage}` and GET /shops/{id}/funnel):
/// link_created → order_attributed (an order named the link and was decided on) → converted (completed, held) →
/// qualified (the hold ended with no reversal: rewarded) → reversed (the order was cancelled or refunded after the
/// conversion, in the hold or after qualification), and rejected (self_referral, a fraud rule, a merchant's review, a
/// blocked advocate) with its reason.
/// </summary>
public static class FunnelStage
{
    public const string LinkCreated = "link_created";
    public const string OrderAttributed = "order_attributed";
    public const string Converted = "converted";
    public const string Qualified = "qualified";
    public const string Rewarded = "rewarded";
    public const string Reversed = "reversed";
    public const string Rejected = "rejected";

    /// <summary>The label of a reversal: before or after the reward was due (rewards that stand = qualified − after qualification).</summary>
    public const string InHold = "hold";
    public const string AfterQualification = "qualification";
}

/// <summary>One step of one referral through the funnel; <see cref="Reason"/> names a rejection, <see cref="After"/> a reversal's phase.</summary>
public sealed record FunnelStep(string Stage, string? Reason = null, string? After = null);

/// <summary>
/// Count a referral's funnel steps once its change committed (in memory, like <see cref="CountReferralStatus"/>), so
/// a handler that was retried counts its change once. Cascaded by <see cref="ReferralChanges"/>.
/// </summary>
public sealed record CountFunnelSteps(IReadOnlyList<FunnelStep> Steps)
{
    public static readonly CountFunnelSteps LinkCreated = new([new FunnelStep(FunnelStage.LinkCreated)]);

    /// <summary>The steps of a status change, or null when it is none (e.g. queued → pending).</summary>
    public static CountFunnelSteps? Of(ReferralStatus from, Referral changed) =>
        FunnelSteps.Of(from, changed) is { Count: > 0 } steps ? new CountFunnelSteps(steps) : null;
}

public static class FunnelSteps
{
    /// <summary>
    /// The funnel steps a status change makes, pure. Leaving pending is an order's decision (every move out of pending is
    /// one); an approved review converts without a second attribution; a reversal that arrived before its conversion
    /// cancels a referral that never converted: attributed, not reversed.
    /// </summary>
    public static IReadOnlyList<FunnelStep> Of(ReferralStatus from, Referral changed)
    {
        var steps = new List<FunnelStep>(2);
        if (from == ReferralStatus.Pending && changed.Status != ReferralStatus.Pending)
            steps.Add(new FunnelStep(FunnelStage.OrderAttributed));
        switch (changed.Status)
        {
            case ReferralStatus.Completed when from is ReferralStatus.Pending or ReferralStatus.InProgress:
                steps.Add(new FunnelStep(FunnelStage.Converted));
                break;
            case ReferralStatus.Rewarded when from == ReferralStatus.Completed:
                steps.Add(new FunnelStep(FunnelStage.Qualified));
                break;
            case ReferralStatus.Cancelled when from is ReferralStatus.Completed or ReferralStatus.Rewarded:
                steps.Add(new FunnelStep(FunnelStage.Reversed,
                    After: from == ReferralStatus.Rewarded ? FunnelStage.AfterQualification : FunnelStage.InHold));
                break;
            case ReferralStatus.Failed:
                steps.Add(new FunnelStep(FunnelStage.Rejected, Reason: changed.StatusReason ?? "unknown"));
                break;
        }
        return steps;
    }
}

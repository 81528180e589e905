namespace Referrals.Service.Features.Referrals;

/// <summary>
/// The seed's seven statuses and the only moves between them:
/// <code>
///   queued      → pending | failed | cancelled
///   pending     → in_progress | completed | failed | cancelled     (a new referral link starts here)
///   in_progress → completed | failed | cancelled                   (a referred order is being checked)
///   completed   → rewarded | cancelled                             (converted, held until hold_until; cancelled: the order
///                                                                   was cancelled or refunded within the hold)
///   rewarded    → cancelled                                        (qualified: the hold ended with no reversal and the
///                                                                   reward is due; cancelled: reversed later, referral.reversed)
///   failed, cancelled: final
/// </code>
/// </summary>
public enum ReferralStatus { Queued, Pending, InProgress, Completed, Rewarded, Failed, Cancelled }

public static class ReferralTransitions
{
    private static readonly Dictionary<ReferralStatus, ReferralStatus[]> Allowed = new()
    {
        [ReferralStatus.Queued] = [ReferralStatus.Pending, ReferralStatus.Failed, ReferralStatus.Cancelled],
        [ReferralStatus.Pending] = [ReferralStatus.InProgress, ReferralStatus.Completed, ReferralStatus.Failed, ReferralStatus.Cancelled],
        [ReferralStatus.InProgress] = [ReferralStatus.Completed, ReferralStatus.Failed, ReferralStatus.Cancelled],
        [ReferralStatus.Completed] = [ReferralStatus.Rewarded, ReferralStatus.Cancelled],
        [ReferralStatus.Rewarded] = [ReferralStatus.Cancelled],
        [ReferralStatus.Failed] = [],
        [ReferralStatus.Cancelled] = [],
    };

    public static bool CanMove(ReferralStatus from, ReferralStatus to) => Allowed[from].Contains(to);

    /// <summary>The seed's wire and database spelling: queued, pending, in_progress, …</summary>
    public static string Wire(this ReferralStatus status) => status switch
    {
        ReferralStatus.InProgress => "in_progress",
        _ => status.ToString().ToLowerInvariant(),
    };
}

public sealed class IllegalReferralTransitionException(ReferralStatus from, ReferralStatus to)
    : InvalidOperationException($"a referral cannot move from {from.Wire()} to {to.Wire()}");

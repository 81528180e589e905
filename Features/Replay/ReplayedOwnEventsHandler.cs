using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// `replay --to-replay-topic` puts this service's own referral.completed and referral.task events on
/// referrals.replay for the downstream consumers that rebuild from there. This service only produces them: when
/// they come back through its replay listener there is nothing to do, and they are not dead letters.
/// (cache.invalidate copies are handled for real: this service's cached entry is dropped.)
/// </summary>
public static class ReplayedOwnEventsHandler
{
    public static void Handle(ReferralCompleted replayed)
    {
    }

    public static void Handle(ReferralTask replayed)
    {
    }
}

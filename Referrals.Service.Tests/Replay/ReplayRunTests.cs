extern alias service;

using service::Referrals.Service.Features.Replay;
using service::Referrals.Service.Features.Referrals;

namespace Referrals.Service.Tests.Replay;

[Trait("Tier", "Unit")]
public sealed class ReplayRunTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Events_published_at_the_same_moment_are_replayed_in_id_order_whatever_order_they_are_read_in()
    {
        var (a, b, c) = (Event("00000000-0000-0000-0000-00000000000a", At), Event("00000000-0000-0000-0000-00000000000b", At),
            Event("00000000-0000-0000-0000-000000000001", At.AddSeconds(-1)));

        var order = ReplayRun.InReplayOrder([b, a, c]).ToList();

        order.ShouldBe([c, a, b]);
    }

    [Fact]
    public void After_an_event_is_sent_it_and_everything_before_it_count_as_sent_and_nothing_after_it()
    {
        var events = ReplayRun.InReplayOrder([
            Event("00000000-0000-0000-0000-000000000001", At),
            Event("00000000-0000-0000-0000-000000000002", At),
            Event("00000000-0000-0000-0000-000000000003", At.AddSeconds(1)),
        ]).ToList();
        var run = new ReplayRun("run-1", "shop=any", "referral.completed", At);

        var resumed = run.After(events[0]).After(events[1]);

        events.Select(run.AlreadySent).ShouldBe([false, false, false]);
        events.Select(resumed.AlreadySent).ShouldBe([true, true, false]);
        resumed.Sent.ShouldBe(2);
    }

    private static PublishedEvent Event(string id, DateTimeOffset publishedAt) =>
        new(Guid.Parse(id), Guid.Empty, "referral.completed", "referral.completed", "ReferralCompleted", publishedAt, [], "{}");
}

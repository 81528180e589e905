extern alias service;

using service::Referrals.Service.Webhooks;

namespace Referrals.Service.Tests.Tenancy;

[Trait("Tier", "Unit")]
public sealed class WebhookReplayWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WebhookReplayWindow SixHours = new(TimeSpan.FromHours(6));

    [Theory]
    [InlineData("2026-12-01T12:00:00Z")]
    [InlineData("2026-12-01T08:00:00.123456789Z")] // Shopify's retries keep the trigger time, for 4 hours
    [InlineData("2026-12-01T07:00:00-05:00")]
    [InlineData("2026-12-01T12:04:00Z")] // clocks differ a little
    public void A_trigger_time_within_the_window_is_fresh(string triggeredAt)
    {
        SixHours.IsFresh(triggeredAt, Now).ShouldBeTrue();
    }

    [Theory]
    [InlineData("2026-12-01T05:59:59Z")]
    [InlineData("2026-11-01T12:00:00Z")]
    [InlineData("2026-12-01T12:10:00Z")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("yesterday")]
    [InlineData("2026-12-01T12:00:00Z' or '1'='1")]
    public void A_trigger_time_too_old_too_far_ahead_or_unreadable_is_stale(string? triggeredAt)
    {
        SixHours.IsFresh(triggeredAt, Now).ShouldBeFalse();
    }

    [Fact]
    public void The_default_window_is_covered_by_the_dedupe_memory_and_a_longer_one_refuses_to_start()
    {
        WebhookReplayWindow.Default.ShouldBeLessThanOrEqualTo(service::Referrals.Service.Idempotency.ProcessedEvent.Retention);

        Should.Throw<InvalidOperationException>(() => new WebhookReplayWindow(TimeSpan.FromHours(25))).Message.ShouldContain("Webhooks:ReplayWindow");
        Should.Throw<InvalidOperationException>(() => new WebhookReplayWindow(TimeSpan.Zero));
    }
}

extern alias service;

using System.Text;
using service::Referrals.Service.Features.Replay;
using Wolverine;
using service::Referrals.Service.Tenancy;

namespace Referrals.Service.Tests.Replay;

[Trait("Tier", "Unit")]
public sealed class PublishedEventTests
{
    private static readonly Guid Shop = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_event_headed_for_a_replayable_topic_is_recorded_as_it_goes_out()
    {
        var envelope = Outgoing("kafka://topic/referral.completed", Shop.ToString());
        envelope.Headers["event_type"] = "referral.completed";
        envelope.Headers["correlation_id"] = "corr-1";

        var published = PublishedEvent.Of(envelope, Now);

        published.ShouldNotBeNull();
        published.Id.ShouldBe(envelope.Id);
        published.ShopId.ShouldBe(Shop);
        published.Topic.ShouldBe("referral.completed");
        published.EventType.ShouldBe("referral.completed");
        published.PublishedAt.ShouldBe(Now);
        published.Headers["correlation_id"].ShouldBe("corr-1");
        published.Payload.ShouldBe("""{"referral_id":"r-1"}""");
    }

    [Theory]
    [InlineData("kafka://topic/referrals.dlq")]
    [InlineData("kafka://topic/vip_tier.assigned")]
    [InlineData("local://conversions/")]
    public void Nothing_else_is_recorded(string destination)
    {
        PublishedEvent.Of(Outgoing(destination, Shop.ToString()), Now).ShouldBeNull();
    }

    [Fact]
    public void An_event_not_keyed_by_a_shop_is_not_recorded()
    {
        PublishedEvent.Of(Outgoing("kafka://topic/cache.invalidate", "not-a-shop"), Now).ShouldBeNull();
    }

    private static Envelope Outgoing(string destination, string key) => new()
    {
        Id = Guid.NewGuid(),
        Destination = new Uri(destination),
        PartitionKey = key,
        MessageType = "referral_completed",
        Data = Encoding.UTF8.GetBytes("""{"referral_id":"r-1"}"""),
    };
}

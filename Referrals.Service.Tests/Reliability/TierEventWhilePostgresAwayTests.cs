using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Tiers;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A tier event that arrives while Postgres is stopped waits for it (the chaos run lost one to a Postgres restart: three
/// attempts within 2.5 s, all refused, then a dead letter) and is applied once Postgres is back.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class TierEventWhilePostgresAwayTests(ReferralsApp app)
{
    [Fact]
    public async Task A_tier_event_while_postgres_is_stopped_is_applied_when_it_is_back_and_parks_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 984, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(985, discountCode: link.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed",
            TimeSpan.FromSeconds(20), ct);
        var gold = Guid.NewGuid();

        // The durable inbox cannot record the event while Postgres is away: Wolverine's receiver says so at Error.
        using var expected = app.ExpectErrorLogs("(Referrals.Service.Features.Tiers.VipTierAssigned) to kafka://topic/vip_tier.assigned");
        await using (await PostgresOutage.BeginAsync(app, PostgresOutage.Stopped, ct))
        {
            await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(gold, DevShops.Main, link.Referrer, "gold", DateTimeOffset.UtcNow));
            await Task.Delay(TimeSpan.FromSeconds(6), ct); // past the 0.5 s and 2 s retries that used to end in a dead letter
        }
        var processed = await app.ProcessedAsync(DevShops.Main, gold, ct);
        var parked = KafkaReader.Read(app.KafkaBootstrap, "referrals.dlq",
            r => r.Payload.ToString().Contains(gold.ToString(), StringComparison.Ordinal), 1, TimeSpan.FromSeconds(3), ct);

        processed!.Value.Outcome.ShouldBe("bonus_applied");
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("completed"); // the bonus is recorded on the held referral
        parked.ShouldBeEmpty();
    }
}

using System.Net;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Tiers;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A tier event that arrives while Redis is hung is applied (nothing of it needs Redis but the cache), its cache
/// invalidations wait for Redis instead of becoming dead letters, and the status read afterwards carries the bonus recorded
/// on the held referral (a tier assignment no longer rewards; the end of the hold does).
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class TierEventWithRedisPausedTests(ReferralsApp app)
{
    [Fact]
    public async Task A_tier_event_while_redis_is_paused_records_its_bonus_parks_nothing_and_the_cached_status_follows_after_resume()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 968, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(969, discountCode: link.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed",
            TimeSpan.FromSeconds(20), ct);
        var token = DevShops.MerchantToken(link.ShopId);
        await Eventually.ReturnsAsync(() => app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct),
            status => status.Status == ReferralStatus.Completed, TimeSpan.FromSeconds(10), ct); // cached: completed
        var cachedBefore = await Eventually.ReturnsAsync(() => app.CachedStatusAsync(link.ShopId, link.ReferralId),
            cached => cached is not null, TimeSpan.FromSeconds(10), ct);
        var gold = Guid.NewGuid();

        // The service's Redis client reports the connection it gives up on (no reads while paused) and fails to reopen.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/");
        using (ProcessFaults.Pause(app.Ports.Redis))
        {
            await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(gold, DevShops.Main, link.Referrer, "gold", DateTimeOffset.UtcNow));
            await app.ProcessedAsync(DevShops.Main, gold, ct);
            await Task.Delay(TimeSpan.FromSeconds(4), ct); // past the 0.5 s and 2 s retries that used to end in a dead letter
        }
        var cachedAfter = await Eventually.ReturnsAsync(() => app.CachedStatusAsync(link.ShopId, link.ReferralId),
            cached => cached != cachedBefore, TimeSpan.FromSeconds(15), ct);
        await app.UntilRedisIsUsedAgainAsync(ct);
        var status = await app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct);
        var parked = KafkaReader.Read(app.KafkaBootstrap, "referrals.dlq",
            r => r.Payload.ToString().Contains(link.ReferralId.ToString(), StringComparison.Ordinal)
                || r.Payload.ToString().Contains(gold.ToString(), StringComparison.Ordinal), 1, TimeSpan.FromSeconds(3), ct);

        (await app.ProcessedEventAsync(DevShops.Main, gold.ToString(), ct))!.Value.Outcome.ShouldBe("bonus_applied");
        cachedAfter.ShouldNotBe(cachedBefore);
        status.Status.ShouldBe(ReferralStatus.Completed);
        (status.Reward.Multiplier, status.Reward.Points).ShouldBe((1.5, 100));
        parked.ShouldBeEmpty();
    }
}

using System.Diagnostics;
using System.Net;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// With Redis hung, a status read skips the cache and answers from Postgres at once; once Redis answers again, the
/// entry cached before the outage does not outlive it: the invalidation that failed meanwhile is retried until it drops it.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class StatusWithRedisPausedTests(ReferralsApp app)
{
    [Fact]
    public async Task With_redis_paused_a_cached_status_is_read_from_postgres_within_2_s_and_is_the_right_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 965), ct);
        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);
        var cachedBefore = await app.CachedStatusAsync(DevShops.Main, Guid.Parse(created.ReferralId));
        var cancelled = await app.DocumentStatusAsync(created.ReferralId, ct) == "pending" ? "cancelled" : "Cancelled";

        GetReferralStatusResponse whilePaused;
        TimeSpan took;
        // The service's Redis client reports the connection it gives up on (no reads while paused) and fails to reopen.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/");
        using (ProcessFaults.Pause(app.Ports.Redis))
        {
            // Changed while Redis is hung: only Postgres knows, and Redis still holds the pending copy.
            await app.SetStatusInDatabaseAsync(created.ReferralId, cancelled, ct);
            var clock = Stopwatch.StartNew();
            whilePaused = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "he");
            took = clock.Elapsed;
        }
        await app.UntilRedisIsUsedAgainAsync(ct);

        cachedBefore.ShouldNotBeNull().ShouldContain("\"pending\"");
        whilePaused.Status.ShouldBe(ReferralStatus.Cancelled);
        whilePaused.Description.ShouldBe("ההפניה בוטלה");
        took.ShouldBeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_status_cached_before_redis_paused_and_converted_meanwhile_is_dropped_once_redis_answers_and_nothing_is_parked()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 966, ct);
        var token = DevShops.MerchantToken(link.ShopId);
        await app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct); // cached: pending
        using var http = app.CreateHttpClient();
        var order = ShopifyWebhooks.Order(967, discountCode: link.LinkId);

        HttpResponseMessage accepted;
        // The service's Redis client reports the connection it gives up on (no reads while paused) and fails to reopen.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/");
        using (ProcessFaults.Pause(app.Ports.Redis))
        {
            accepted = await http.SendAsync(ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, order, Guid.NewGuid().ToString()), ct);
            // The conversion commits while Redis is hung: its drop of the cached entry fails, and keeps being retried.
            await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed",
                TimeSpan.FromSeconds(15), ct);
            await Task.Delay(TimeSpan.FromSeconds(4), ct); // past the 0.5 s and 2 s retries that used to end in a dead letter
        }
        var cachedAfter = await Eventually.ReturnsAsync(() => app.CachedStatusAsync(link.ShopId, link.ReferralId),
            cached => cached is null || !cached.Contains("\"pending\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15), ct);
        await app.UntilRedisIsUsedAgainAsync(ct);
        var status = await app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct);
        var parked = KafkaReader.Read(app.KafkaBootstrap, "referrals.dlq",
            r => r.Payload.ToString().Contains(link.ReferralId.ToString(), StringComparison.Ordinal), 1, TimeSpan.FromSeconds(3), ct);

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (cachedAfter ?? "").ShouldNotContain("\"pending\"");
        status.Status.ShouldBe(ReferralStatus.Completed);
        parked.ShouldBeEmpty();
    }
}

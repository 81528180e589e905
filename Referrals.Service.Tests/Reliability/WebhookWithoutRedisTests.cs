using System.Diagnostics;
using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// Redis is a fast path, never a wait: with Redis hung (paused) or gone (stopped), a referred order's webhook is
/// accepted through Postgres well inside Shopify's 5 s, and the referral converts.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class WebhookWithoutRedisTests(ReferralsApp app)
{
    private static readonly TimeSpan WellInsideShopifysTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task With_redis_paused_a_referred_order_is_answered_200_within_3_s_and_the_referral_converts()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 961, ct);
        using var http = app.CreateHttpClient();
        var order = ShopifyWebhooks.Order(962, discountCode: link.LinkId);

        HttpResponseMessage answer;
        TimeSpan took;
        // The service's Redis client reports the connection it gives up on (no reads while paused) and fails to reopen.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/");
        using (ProcessFaults.Pause(app.Ports.Redis))
        {
            var clock = Stopwatch.StartNew();
            answer = await http.SendAsync(ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, order, Guid.NewGuid().ToString()), ct);
            took = clock.Elapsed;
        }
        await app.UntilRedisIsUsedAgainAsync(ct);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(10), ct);

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        took.ShouldBeLessThan(WellInsideShopifysTimeout);
        completed.ShouldHaveSingleItem().Payload.GetProperty("status").GetString().ShouldBe("completed");
    }

    [Fact]
    public async Task With_redis_stopped_a_referred_order_is_answered_200_within_3_s_and_the_referral_converts()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 963, ct);
        using var http = app.CreateHttpClient();
        var order = ShopifyWebhooks.Order(964, discountCode: link.LinkId);
        // The service's Redis client reports the connection it lost.
        using var expected = app.ExpectErrorLogs($"on {app.RedisConnectionString}/", "RedisConnectionException");

        await app.StopResourceAsync("redis-server", ct);
        HttpResponseMessage answer;
        TimeSpan took;
        try
        {
            var clock = Stopwatch.StartNew();
            answer = await http.SendAsync(ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, order, Guid.NewGuid().ToString()), ct);
            took = clock.Elapsed;
        }
        finally
        {
            await app.StartResourceAsync("redis-server", ct);
        }
        await app.UntilRedisIsUsedAgainAsync(ct);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(10), ct);

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        took.ShouldBeLessThan(WellInsideShopifysTimeout);
        completed.ShouldHaveSingleItem().Payload.GetProperty("status").GetString().ShouldBe("completed");
    }
}

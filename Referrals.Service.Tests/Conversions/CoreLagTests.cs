using System.Diagnostics;
using System.Net;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

/// <summary>
/// A buyer whose Core record lags the order is asked about again for the window (the suite's is
/// <see cref="ReferralsApp.CustomerNotFoundRetryWindow"/>): known in time, the order converts once; never known, it is
/// unknown_customer once the window is over.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class CoreLagTests(ReferralsApp app)
{
    [Fact]
    public async Task A_buyer_Core_knows_only_after_the_order_converts_once_when_the_record_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        const long Buyer = 914;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 913, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        var webhookId = Guid.NewGuid().ToString();
        (await core.PostAsync($"/control/lag?shopify_customer_id={Buyer}", null, ct)).EnsureSuccessStatusCode();
        try
        {
            (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(Buyer, discountCode: link.LinkId), webhookId, ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // several NOT_FOUNDs
            (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
            (await app.ProcessedEventAsync(DevShops.Main, webhookId, ct))!.Value.State.ShouldBe("accepted");
        }
        finally
        {
            (await core.PostAsync($"/control/known?shopify_customer_id={Buyer}", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }

        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status is "completed" or "rewarded",
            TimeSpan.FromSeconds(30), ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);

        (await app.ProcessedEventAsync(DevShops.Main, webhookId, ct))!.Value.Outcome.ShouldBe("converted");
        app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_buyer_Core_never_knows_is_an_unknown_customer_once_the_window_is_over()
    {
        var ct = TestContext.Current.CancellationToken;
        const long Buyer = 874;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 873, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };
        var webhookId = Guid.NewGuid().ToString();
        (await core.PostAsync($"/control/lag?shopify_customer_id={Buyer}", null, ct)).EnsureSuccessStatusCode();
        TimeSpan decidedAfter;
        try
        {
            var watch = Stopwatch.StartNew();
            (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(Buyer, discountCode: link.LinkId), webhookId, ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
            await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(DevShops.Main, webhookId, ct), row => row?.State == "processed",
                ReferralsApp.CustomerNotFoundRetryWindow + TimeSpan.FromSeconds(20), ct);
            decidedAfter = watch.Elapsed;
        }
        finally
        {
            (await core.PostAsync($"/control/known?shopify_customer_id={Buyer}", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }

        (await app.ProcessedEventAsync(DevShops.Main, webhookId, ct))!.Value.Outcome.ShouldBe("unknown_customer");
        decidedAfter.ShouldBeGreaterThan(ReferralsApp.CustomerNotFoundRetryWindow - TimeSpan.FromSeconds(1));
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
    }
}

using System.Diagnostics;
using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// With Postgres away, a webhook is answered 503 with a Retry-After well inside Shopify's 5 s, and nothing of it is
/// recorded; Shopify's next delivery (same webhook id) is accepted and converts once.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class WebhookWhilePostgresAwayTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(PostgresOutage.Stopped, 811)]
    [InlineData(PostgresOutage.Paused, 821)]
    public async Task A_referred_order_is_refused_503_fast_and_converts_once_when_delivered_again(string fault, long referrerNumber)
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber, ct);
        var order = ShopifyWebhooks.Order(referrerNumber + 1, discountCode: link.LinkId);
        var webhookId = Guid.NewGuid().ToString();
        using var http = app.CreateHttpClient();

        HttpResponseMessage refused;
        TimeSpan took;
        await using (await PostgresOutage.BeginAsync(app, fault, ct))
        {
            var watch = Stopwatch.StartNew();
            refused = await http.PostOrderAsync(ShopifyWebhooks.Main, order, webhookId, ct);
            took = watch.Elapsed;
        }
        var recordedWhileAway = await app.ProcessedEventAsync(DevShops.Main, webhookId, ct);
        var again = await http.PostOrderAsync(ShopifyWebhooks.Main, order, webhookId, ct);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status is "completed" or "rewarded", Wait, ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        took.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        refused.Headers.RetryAfter?.Delta.ShouldNotBeNull();
        (await refused.Content.ReadAsStringAsync(ct)).ShouldContain("storage_unavailable");
        recordedWhileAway.ShouldBeNull(); // refused means nothing happened
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct).ShouldHaveSingleItem();
    }
}

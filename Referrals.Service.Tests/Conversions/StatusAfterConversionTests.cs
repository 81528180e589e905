using System.Net;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

[Collection(IntegrationTier.Name)]
public sealed class StatusAfterConversionTests(ReferralsApp app)
{
    [Fact]
    public async Task A_cached_pending_status_reads_completed_once_the_conversion_committed()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 71, ct, locale: "ar");
        var token = DevShops.MerchantToken(link.ShopId);
        var before = await app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct, locale: "ar");
        await app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct, locale: "ar"); // now served from the cache
        using var http = app.CreateHttpClient();

        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(72, discountCode: link.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct),
            referral => referral?.Status == "completed", TimeSpan.FromSeconds(15), ct);
        // No speed claim (bench/ measures that): the pending answer, cached for an hour, gives way once the conversion committed.
        var after = await Eventually.ReturnsAsync(() => app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), token, ct, locale: "ar"),
            status => status.Status == ReferralStatus.Completed, TimeSpan.FromSeconds(30), ct);

        before.Status.ShouldBe(ReferralStatus.Pending);
        after.Locale.ShouldBe("ar");
        after.Description.ShouldNotBe(before.Description);
    }
}

using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class ShopTextsInEventsTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Referral_completed_carries_the_shops_override_and_another_shops_event_the_platform_default()
    {
        var ct = TestContext.Current.CancellationToken;
        const string key = "referral.status.completed";
        using var otherAdmin = app.AdminClient(DevShops.AdminToken(DevShops.Other));
        using var operatorClient = app.OperatorClient();
        (await otherAdmin.AddOverrideVersionAsync(DevShops.Other, key, "ar", "أكملت إحالتك في متجرنا", ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var otherLink = await app.CreateReferralAsync(ShopifyWebhooks.Other, referrerNumber: 70, ct, locale: "ar");
        var mainLink = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 70, ct, locale: "ar");
        using var http = app.CreateHttpClient();

        (await http.PostOrderAsync(ShopifyWebhooks.Other, ShopifyWebhooks.Order(shopifyCustomer: 71, discountCode: otherLink.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 71, discountCode: mainLink.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var otherCompleted = app.EventsOf("referral.completed", otherLink.ReferralId, atMost: 1, KafkaWait, ct).ShouldHaveSingleItem();
        var mainCompleted = app.EventsOf("referral.completed", mainLink.ReferralId, atMost: 1, KafkaWait, ct).ShouldHaveSingleItem();

        otherCompleted.Payload.GetProperty("description").GetString().ShouldBe("أكملت إحالتك في متجرنا");
        mainCompleted.Payload.GetProperty("description").GetString()
            .ShouldBe((await operatorClient.ListPlatformVersionsAsync(ct, key)).CurrentValue(key, "ar"));
    }
}

using System.Net;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

/// <summary>A conversion happens once per (shop, order id), whichever webhook ids bring the order.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ConvertedOncePerOrderTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_order_redelivered_under_a_new_webhook_id_is_a_duplicate_and_is_not_processed_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 721, ct);
        var order = ShopifyWebhooks.Order(722, discountCode: link.LinkId);
        using var http = app.CreateHttpClient();
        var (first, again) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        (await http.PostOrderAsync(ShopifyWebhooks.Main, order, first, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", Wait, ct);
        var redelivered = await http.PostOrderAsync(ShopifyWebhooks.Main, order, again, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // a wrongly accepted redelivery would be processed within this

        redelivered.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.ProcessedEventAsync(DevShops.Main, first, ct))!.Value.Outcome.ShouldBe("converted");
        (await app.ProcessedEventAsync(DevShops.Main, again, ct)).ShouldBeNull();
        app.EventsOf("referral.completed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(5), ct).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task One_order_from_two_subscriptions_at_once_converts_once_with_one_event_and_one_task()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 723, ct);
        var order = ShopifyWebhooks.Order(724, discountCode: link.LinkId);
        using var http = app.CreateHttpClient();
        string[] webhookIds = [Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString()];

        var answers = await Task.WhenAll(webhookIds.Select(id => http.PostOrderAsync(ShopifyWebhooks.Main, order, id, ct)));
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status is "completed" or "rewarded", Wait, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var rows = await Task.WhenAll(webhookIds.Select(id => app.ProcessedEventAsync(DevShops.Main, id, ct)));

        answers.ShouldAllBe(answer => answer.StatusCode == HttpStatusCode.OK);
        rows.Count(row => row is not null).ShouldBe(1);
        app.EventsOf("referral.completed", link.ReferralId, atMost: 3, TimeSpan.FromSeconds(5), ct).ShouldHaveSingleItem();
        var buyer = DevShops.Customer(DevShops.Main, 724).ToString();
        KafkaReader.Read(app.KafkaBootstrap, "referral.task", record => record.Payload.ToString().Contains(buyer, StringComparison.Ordinal),
            count: 3, TimeSpan.FromSeconds(5), ct).ShouldHaveSingleItem();
    }
}

using System.Net;
using System.Text.Json;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Reversals;

/// <summary>
/// On the stack (dev-shop's default 14-day hold): a refund within the hold cancels the conversion with order_refunded,
/// a redelivered refund changes nothing, a refund that arrives before its order was converted still ends the
/// conversion cancelled, and GetReferralStatus tells the reason, the hold and the reward in en, ar and he.
/// Customers 640–649 (Core's dev customers are 1–1000), orders 64000–64999.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class RefundWithinHoldTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_refund_within_the_hold_cancels_the_conversion_with_order_refunded_once_however_often_it_arrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 640, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(ShopifyWebhooks.Main, OrderBody(641, link.LinkId, 64010), ct: ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", Wait, ct);
        var held = await app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), DevShops.MerchantToken(link.ShopId), ct);

        var refund = RefundBody(refundId: 64011, orderId: 64010, amount: "90.00");
        (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/refunds/create", ShopifyWebhooks.Main, refund, "rh-refund-64011"), ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "cancelled", Wait, ct);
        (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/refunds/create", ShopifyWebhooks.Main, refund, "rh-refund-64011"), ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/refunds/create", ShopifyWebhooks.Main, refund, "rh-refund-64011-again"), ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        held.Status.ShouldBe(ReferralStatus.Completed);
        held.HoldUntil.ShouldNotBeNull();
        held.HoldUntil.ToDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddDays(13));
        held.Reward.ShouldNotBeNull();
        held.Reward.Multiplier.ShouldBe(1.0);
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.StatusReason.ShouldBe("order_refunded");
        app.EventsOf("referral.reversed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(3), ct).ShouldBeEmpty();
        foreach (var (locale, text) in new[] { ("en", "The order was refunded"), ("ar", "استُرد مبلغ الطلب"), ("he", "ההזמנה הוחזרה והכסף הוחזר") })
        {
            var status = await Eventually.ReturnsAsync(
                () => app.GetStatusAsync(link.ShopId, link.ReferralId.ToString(), DevShops.MerchantToken(link.ShopId), ct, locale: locale),
                s => s.Status == ReferralStatus.Cancelled, Wait, ct);
            (status.Reason, status.ReasonDescription, status.Locale).ShouldBe((ReferralReason.OrderRefunded, text, locale));
        }
    }

    [Fact]
    public async Task A_cancellation_that_arrives_before_its_order_was_converted_ends_the_conversion_cancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 642, ct);
        using var http = app.CreateHttpClient();

        (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/orders/cancelled", ShopifyWebhooks.Main,
            JsonSerializer.Serialize(new { id = 64020, cancelled_at = "2026-12-01T10:00:00Z", cancel_reason = "customer" })), ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(link.ShopId, "cancel:64020", ct), e => e is not null, Wait, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct); // the reversal's own handler commits its ledger after the receipt
        (await http.PostOrderAsync(ShopifyWebhooks.Main, OrderBody(643, link.LinkId, 64020), ct: ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var ended = await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status is "cancelled" or "completed", Wait, ct);
        ended!.ShouldBe(new Database.ReferralRow("cancelled", "order_cancelled"));
        app.EventsOf("referral.completed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(3), ct).ShouldBeEmpty();
    }

    private static string OrderBody(long buyer, string linkId, long orderId)
    {
        var order = JsonSerializer.Deserialize<Dictionary<string, object?>>(ShopifyWebhooks.Order(buyer, discountCode: linkId, orderId: orderId))!;
        order["subtotal_price"] = "100.00";
        return JsonSerializer.Serialize(order);
    }

    private static string RefundBody(long refundId, long orderId, string amount) => JsonSerializer.Serialize(new
    {
        id = refundId,
        order_id = orderId,
        note = "customer changed their mind",
        refund_line_items = new[] { new { line_item_id = 1, quantity = 1, subtotal = amount } },
        transactions = new[] { new { kind = "refund", status = "success", amount, currency = "USD" } },
    });
}

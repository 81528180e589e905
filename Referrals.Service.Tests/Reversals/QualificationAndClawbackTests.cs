using System.Net;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Program;

namespace Referrals.Service.Tests.Reversals;

/// <summary>
/// On the stack, with the other dev shop's hold shortened to 0 days: a conversion qualifies (rewarded, one
/// `referral.qualified` read off Kafka), and a refund after that claws the reward back with one `referral.reversed`
/// (order_refunded, the amount refunded), however often Shopify delivers it. Customers 106695–106696, orders 64030–64031.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class QualificationAndClawbackTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_conversion_whose_hold_ended_qualifies_once_and_a_later_refund_claws_the_reward_back_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(new { hold_days = 0 }, ct);
        var link = await app.LinkOfAsync(106695, ct);

        (await app.ConvertAsync(ProgramFlow.Order(106696, link.LinkId, orderId: 64030, subtotal: "100.00"), ct)).ShouldBe("converted");
        (await app.ReferralOnceAsync(link.ReferralId, "rewarded", ct)).Status.ShouldBe("rewarded");
        var qualified = app.EventsOf("referral.qualified", link.ReferralId, atMost: 1, Wait, ct).ShouldHaveSingleItem();
        qualified.Key.ShouldBe(ProgramFlow.Shop.Id.ToString());
        qualified.Payload.GetProperty("order_id").GetInt64().ShouldBe(64030);
        qualified.Payload.GetProperty("customer_id").GetString().ShouldBe(link.Referrer.ToString());

        using var http = app.CreateHttpClient();
        var refund = JsonSerializer.Serialize(new
        {
            id = 64031,
            order_id = 64030,
            refund_line_items = new[] { new { line_item_id = 1, quantity = 1, subtotal = "90.00" } },
            transactions = new[] { new { kind = "refund", status = "success", amount = "90.00", currency = "USD" } },
        });
        foreach (var webhookId in new[] { "qc-refund-64031", "qc-refund-64031", "qc-refund-64031-again" })
            (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/refunds/create", ProgramFlow.Shop, refund, webhookId), ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);

        var reversed = app.EventsOf("referral.reversed", link.ReferralId, atMost: 1, Wait, ct).ShouldHaveSingleItem();
        reversed.Payload.GetProperty("reason").GetString().ShouldBe("order_refunded");
        reversed.Payload.GetProperty("amount_refunded").GetString().ShouldBe("90.00");
        (await app.ReferralAsync(ProgramFlow.Shop.Id, link.ReferralId, ct))!.StatusReason.ShouldBe("order_refunded");
        app.EventsOf("referral.qualified", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(3), ct).Count.ShouldBe(1);
        app.EventsOf("referral.reversed", link.ReferralId, atMost: 2, TimeSpan.FromSeconds(3), ct).Count.ShouldBe(1);
    }
}

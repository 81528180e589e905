using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Program;

namespace Referrals.Service.Tests.Funnel;

/// <summary>
/// On the stack, with the other dev shop's hold at 0 days and a minimum subtotal that rejects: four links, two orders
/// that convert and qualify, one rejected by the rule, one refund after qualification. GET /shops/{id}/funnel counts
/// exactly that for the window, and `referrals_funnel_total` moves by exactly that over both instances.
/// Customers 107600–107619, orders and refunds 7200000000–7200000019.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class FunnelTests(ReferralsApp app)
{
    private static readonly Guid ShopId = ProgramFlow.Shop.Id;
    private const string Funnel = "referrals_funnel_total";

    private static readonly (string Name, (string, string)[] Labels)[] Stages =
    [
        ("link_created", [("stage", "link_created")]),
        ("order_attributed", [("stage", "order_attributed")]),
        ("converted", [("stage", "converted")]),
        ("qualified", [("stage", "qualified")]),
        ("reversed_after_qualification", [("stage", "reversed"), ("after", "qualification")]),
        ("rejected_below_minimum", [("stage", "rejected"), ("reason", "below_minimum")]),
    ];

    [Fact]
    public async Task The_funnel_query_and_the_counters_count_links_orders_conversions_qualifications_a_reversal_and_a_rejection_exactly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(new
        {
            hold_days = 0,
            fraud = new { minimum_subtotal = new { action = "reject", after_discounts = true, minimums = new[] { new { currency = "USD", amount = 100m } } } },
        }, ct);
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var before = await QuietStagesAsync(ct);

        var kept = await app.LinkOfAsync(107600, ct);
        var refunded = await app.LinkOfAsync(107602, ct);
        var rejected = await app.LinkOfAsync(107604, ct);
        await app.LinkOfAsync(107606, ct);
        (await app.ConvertAsync(ProgramFlow.Order(107601, kept.LinkId, orderId: 7200000000), ct)).ShouldBe("converted");
        (await app.ConvertAsync(ProgramFlow.Order(107603, refunded.LinkId, orderId: 7200000001, subtotal: "100.00"), ct)).ShouldBe("converted");
        (await app.ConvertAsync(ProgramFlow.Order(107605, rejected.LinkId, orderId: 7200000002, subtotal: "45.00"), ct)).ShouldBe("fraud_rejected");
        await app.ReferralOnceAsync(kept.ReferralId, "rewarded", ct);
        await app.ReferralOnceAsync(refunded.ReferralId, "rewarded", ct);
        using (var http = app.CreateHttpClient())
        {
            var refund = JsonSerializer.Serialize(new
            {
                id = 7200000003,
                order_id = 7200000001,
                refund_line_items = new[] { new { line_item_id = 1, quantity = 1, subtotal = "100.00" } },
            });
            (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/refunds/create", ProgramFlow.Shop, refund, "funnel-refund-7200000003"), ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await app.ReferralOnceAsync(refunded.ReferralId, "cancelled", ct);
        var after = await Eventually.ReturnsAsync(() => StagesAsync(ct),
            now => now["reversed_after_qualification"] > before["reversed_after_qualification"], TimeSpan.FromSeconds(20), ct);
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        after = await StagesAsync(ct);
        using var merchant = app.AdminClient(DevShops.MerchantToken(ShopId));
        var funnel = await merchant.GetFromJsonAsync<JsonElement>(
            $"/shops/{ShopId}/funnel?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}", ct);

        (funnel.GetProperty("links_created").GetInt64(), funnel.GetProperty("orders_attributed").GetInt64(),
                funnel.GetProperty("converted").GetInt64(), funnel.GetProperty("qualified").GetInt64(),
                funnel.GetProperty("rewarded").GetInt64(), funnel.GetProperty("reversed").GetInt64(), funnel.GetProperty("rejected").GetInt64())
            .ShouldBe((4L, 3L, 2L, 2L, 1L, 1L, 1L));
        funnel.GetProperty("rejected_by_reason").GetProperty("below_minimum").GetInt64().ShouldBe(1);
        Stages.ToDictionary(s => s.Name, s => after[s.Name] - before[s.Name]).ShouldBe(new Dictionary<string, double>
        {
            ["link_created"] = 4,
            ["order_attributed"] = 3,
            ["converted"] = 2,
            ["qualified"] = 2,
            ["reversed_after_qualification"] = 1,
            ["rejected_below_minimum"] = 1,
        });
    }

    [Fact]
    public async Task Another_shops_token_is_refused_and_a_window_that_ends_before_it_starts_is_a_bad_request()
    {
        var ct = TestContext.Current.CancellationToken;
        using var otherShop = app.AdminClient(DevShops.MerchantToken(DevShops.Main));
        using var merchant = app.AdminClient(DevShops.MerchantToken(ShopId));

        var refused = await otherShop.GetAsync($"/shops/{ShopId}/funnel", ct);
        var backwards = await merchant.GetAsync($"/shops/{ShopId}/funnel?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", ct);
        var defaults = await merchant.GetFromJsonAsync<JsonElement>($"/shops/{ShopId}/funnel", ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        backwards.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        defaults.GetProperty("shop_id").GetGuid().ShouldBe(ShopId);
        (defaults.GetProperty("to").GetDateTimeOffset() - defaults.GetProperty("from").GetDateTimeOffset()).ShouldBe(TimeSpan.FromDays(30));
    }

    private async Task<Dictionary<string, double>> StagesAsync(CancellationToken ct)
    {
        var samples = new Dictionary<string, double>();
        foreach (var (name, labels) in Stages)
            samples[name] = await app.ClusterSampleAsync(Funnel, ct, labels);
        return samples;
    }

    /// <summary>A baseline once the counters stood still: work an earlier test left in flight is counted before it.</summary>
    private async Task<Dictionary<string, double>> QuietStagesAsync(CancellationToken ct)
    {
        var samples = await StagesAsync(ct);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
            var again = await StagesAsync(ct);
            if (again.All(s => samples[s.Key] == s.Value))
                return again;
            samples = again;
        }
        return samples;
    }
}

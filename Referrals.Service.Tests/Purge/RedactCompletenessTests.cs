using System.Net;
using System.Text.Json;
using Npgsql;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Program;

namespace Referrals.Service.Tests.Purge;

/// <summary>
/// What the redactions erase beyond the referrer: a customers/redact of a buyer clears them from the referral their order
/// converted (buyer id, browser hash) and erases the ledgers of their orders, those Shopify names included; a shop/redact
/// erases the shop's order ledgers, blocked advocates and milestone counts. Customers 107400–107499, orders 7190002000–7190002999.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class RedactCompletenessTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly ShopifyWebhooks.DevShop Shop = ProgramFlow.Shop;

    [Fact]
    public async Task A_buyers_redaction_clears_them_from_the_referral_their_order_converted_and_erases_their_orders_ledgers()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.LinkOfAsync(107400, ct);
        using var http = app.CreateHttpClient();
        (await app.ConvertAsync(ProgramFlow.Order(107401, link.LinkId, orderId: 7190002000, subtotal: "100.00"), ct)).ShouldBe("converted");
        // Another order of the buyer that converted nothing here: its cancellation is remembered in its ledger.
        (await http.SendAsync(ShopifyWebhooks.SignedWebhook("/orders/cancelled", Shop,
            JsonSerializer.Serialize(new { id = 7190002001, cancelled_at = "2026-12-01T10:00:00Z", cancel_reason = "customer" })), ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => LedgerExistsAsync(7190002001, ct), exists => exists, Wait, ct);
        var buyer = DevShops.Customer(Shop.Id, 107401);
        var before = await BuyerOfAsync(link.ReferralId, ct);

        var redact = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/customers/redact", Shop, RedactBody(107401, [7190002000, 7190002001])), ct);
        var after = await Eventually.ReturnsAsync(() => BuyerOfAsync(link.ReferralId, ct), b => b.Buyer is null, Wait, ct);

        redact.StatusCode.ShouldBe(HttpStatusCode.OK);
        before.ShouldBe((buyer.ToString(), before.Browser));
        before.Browser.ShouldNotBeNull();
        after.ShouldBe((null, null));
        (await LedgerExistsAsync(7190002000, ct)).ShouldBeFalse();
        (await LedgerExistsAsync(7190002001, ct)).ShouldBeFalse();
        // The referral still counts and still names its referrer: only the buyer was redacted.
        (await app.ReferralAsync(Shop.Id, link.ReferralId, ct))!.Status.ShouldBe("completed");
        (await ReferrerOfAsync(link.ReferralId, ct)).ShouldBe(link.Referrer);
    }

    [Fact]
    public async Task A_shop_redaction_erases_its_order_ledgers_blocked_advocates_and_milestone_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (await app.ProgramSettingsAsync(new { hold_days = 0 }, ct))
        {
            var link = await app.LinkOfAsync(107410, ct);
            (await app.ConvertAsync(ProgramFlow.Order(107411, link.LinkId, orderId: 7190002100, subtotal: "100.00"), ct)).ShouldBe("converted");
            await app.ReferralOnceAsync(link.ReferralId, "rewarded", ct);
        }
        var advocate = DevShops.Customer(Shop.Id, 107410);
        var blocked = DevShops.Customer(Shop.Id, 107412);
        using (var admin = app.AdminClient(DevShops.AdminToken(Shop.Id)))
            (await admin.PostAsync($"/shops/{Shop.Id}/advocates/{blocked}/block", null, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var before = (Ledger: await LedgerExistsAsync(7190002100, ct), Blocked: await RowsAsync("mt_doc_blockedadvocate", blocked, ct),
            Counted: await RowsAsync("mt_doc_advocatemilestones", advocate, ct));
        using var http = app.CreateHttpClient();

        var redact = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/shop/redact", Shop, "{\"shop_id\": 954890, \"shop_domain\": \"other-shop.myshopify.com\"}"), ct);
        await Eventually.ReturnsAsync(() => LedgerExistsAsync(7190002100, ct), exists => !exists, Wait, ct);

        redact.StatusCode.ShouldBe(HttpStatusCode.OK);
        before.ShouldBe((true, 1L, 1L));
        (await RowsAsync("mt_doc_orderledger", null, ct)).ShouldBe(0);
        (await RowsAsync("mt_doc_blockedadvocate", null, ct)).ShouldBe(0);
        (await RowsAsync("mt_doc_advocatemilestones", null, ct)).ShouldBe(0);
    }

    private static string RedactBody(long shopifyCustomer, long[] orders) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["shop_id"] = 954890,
        ["shop_domain"] = "other-shop.myshopify.com",
        ["customer"] = new Dictionary<string, object> { ["id"] = shopifyCustomer, ["email"] = "buyer@example.com", ["phone"] = "+15555550123" },
        ["orders_to_redact"] = orders,
    });

    private async Task<(string? Buyer, string? Browser)> BuyerOfAsync(Guid referralId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select data->>'buyer_id', data->>'browser_fingerprint' from referrals.mt_doc_referral where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", Shop.Id.ToString());
        command.Parameters.AddWithValue("id", referralId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        (await reader.ReadAsync(ct)).ShouldBeTrue();
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private async Task<Guid?> ReferrerOfAsync(Guid referralId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("select data->>'customer_id' from referrals.mt_doc_referral where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", Shop.Id.ToString());
        command.Parameters.AddWithValue("id", referralId);
        return await command.ExecuteScalarAsync(ct) is string id ? Guid.Parse(id) : null;
    }

    private async Task<bool> LedgerExistsAsync(long orderId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("select count(*) from referrals.mt_doc_orderledger where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", Shop.Id.ToString());
        command.Parameters.AddWithValue("id", orderId);
        return (long)(await command.ExecuteScalarAsync(ct))! > 0;
    }

    /// <summary>The shop's rows of a multi-tenanted document table, or only the one with <paramref name="id"/> (a uuid id).</summary>
    private async Task<long> RowsAsync(string table, Guid? id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select count(*) from referrals.{table} where tenant_id = @shop" + (id is null ? "" : " and id = @id"), connection);
        command.Parameters.AddWithValue("shop", Shop.Id.ToString());
        if (id is { } wanted)
            command.Parameters.AddWithValue("id", wanted);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

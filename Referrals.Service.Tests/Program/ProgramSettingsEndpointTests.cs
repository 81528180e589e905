using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>GET/PUT /shops/{shop_id}/program-settings: defaults, replacement, validation, who may call, and the audit record.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ProgramSettingsEndpointTests(ReferralsApp app)
{
    private static readonly Guid ShopId = ProgramFlow.Shop.Id;
    private static readonly string Route = ProgramFlow.SettingsRoute(ShopId);

    [Fact]
    public async Task A_merchant_admin_replaces_the_settings_a_merchant_reads_them_and_the_change_is_audited_by_token_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var jti = $"settings-{Guid.NewGuid():N}";
        using var admin = app.AdminClient(DevShops.Token(ShopId, "merchant:referrals:admin", jti: jti));
        using var merchant = app.AdminClient(DevShops.MerchantToken(ShopId));
        var before = await merchant.GetFromJsonAsync<JsonElement>(Route, ct);

        JsonElement after;
        HttpResponseMessage put;
        try
        {
            put = await admin.PutAsJsonAsync(Route, new
            {
                hold_days = 7,
                review_timeout = "reject",
                fraud = new { velocity = new { action = "review", max_orders = 5, window_hours = 12 } },
            }, ct);
            after = await merchant.GetFromJsonAsync<JsonElement>(Route, ct);
        }
        finally
        {
            await admin.PutAsJsonAsync(Route, new { }, ct);
        }

        before.GetProperty("hold_days").GetInt32().ShouldBe(14);
        before.GetProperty("fraud").GetProperty("velocity").GetProperty("action").GetString().ShouldBe("off");
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        after.GetProperty("hold_days").GetInt32().ShouldBe(7);
        after.GetProperty("review_timeout").GetString().ShouldBe("reject");
        after.GetProperty("fraud").GetProperty("velocity").GetProperty("max_orders").GetInt32().ShouldBe(5);
        after.GetProperty("fraud").GetProperty("new_customers_only").GetString().ShouldBe("off");
        var audit = KafkaReader.Read(app.KafkaBootstrap, "audit_log", r => r.Payload.ToString().Contains(jti, StringComparison.Ordinal),
            1, TimeSpan.FromSeconds(20), ct).ShouldHaveSingleItem().Payload;
        audit.GetProperty("entity").GetString().ShouldBe("program_settings");
        audit.GetProperty("action").GetString().ShouldBe("settings_changed");
        audit.GetProperty("reason").GetString()!.ShouldBe($"token {jti} changed hold_days, review_timeout, fraud.velocity");
    }

    [Fact]
    public async Task Settings_out_of_range_are_refused_with_field_errors_and_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = app.AdminClient(DevShops.AdminToken(ShopId));

        var refused = await admin.PutAsJsonAsync(Route, new
        {
            hold_days = 366,
            min_refund_fraction_to_reverse = 1.5,
            review_timeout = "maybe",
            fraud = new
            {
                new_customers_only = "block",
                advocate_cap = new { action = "reject", max_conversions = 0, period_days = 30 },
                minimum_subtotal = new { action = "reject", minimums = new[] { new { currency = "dollars", amount = -1m } } },
            },
        }, ct);
        var negativeHold = await admin.PutAsJsonAsync(Route, new { hold_days = -1 }, ct);
        var body = await refused.Content.ReadAsStringAsync(ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        foreach (var field in new[] { "hold", "refund", "timeout", "customers", "conversions", "currency", "amount" })
            body.ShouldContain(field, Case.Insensitive);
        negativeHold.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetFromJsonAsync<JsonElement>(Route, ct)).GetProperty("hold_days").GetInt32().ShouldBe(14);
    }

    [Fact]
    public async Task Another_shops_admin_is_refused_before_validation_and_a_reader_customer_or_anonymous_caller_cannot_write()
    {
        var ct = TestContext.Current.CancellationToken;
        using var otherShop = app.AdminClient(DevShops.AdminToken(DevShops.Main));
        using var reader = app.AdminClient(DevShops.MerchantToken(ShopId));
        using var customer = app.AdminClient(DevShops.CustomerToken(ShopId, DevShops.Customer(ShopId, 106690)));
        using var anonymous = app.CreateHttpClient();

        var wrongShopInvalid = await otherShop.PutAsJsonAsync(Route, new { hold_days = 9999 }, ct);
        var wrongShopRead = await otherShop.GetAsync(Route, ct);
        var readerWrite = await reader.PutAsJsonAsync(Route, new { hold_days = 3 }, ct);
        var customerRead = await customer.GetAsync(Route, ct);
        var noToken = await anonymous.GetAsync(Route, ct);

        wrongShopInvalid.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        wrongShopRead.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        readerWrite.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        customerRead.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        noToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await reader.GetFromJsonAsync<JsonElement>(Route, ct)).GetProperty("hold_days").GetInt32().ShouldBe(14);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Tiers;

namespace Referrals.Service.Tests.Purge;

[Collection(IntegrationTier.Name)]
public sealed class PrivacyWebhookTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly long[] OrdersRequested = [299938];

    [Theory]
    [InlineData("/customers/data_request")]
    [InlineData("/customers/redact")]
    [InlineData("/shop/redact")]
    public async Task A_privacy_webhook_with_a_forged_signature_gets_401_and_changes_nothing(string route)
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 861, 862, ct);
        using var http = app.CreateHttpClient();

        var forged = await http.SendAsync(Signed(route, ShopifyWebhooks.Main with { Secret = "guessed" }, CustomerBody(861)), ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // a wrongly accepted redaction would act within this

        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await forged.Content.ReadAsStringAsync(ct)).ShouldContain("invalid_signature");
        (await ReferrerOfAsync(link.ShopId, link.ReferralId, ct)).ShouldBe(link.Referrer);
        (await app.AuditTrailAsync(link.ReferralId, ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_privacy_webhook_from_an_unknown_shop_gets_the_same_401_as_a_forgery_one_too_large_gets_413_and_each_is_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var refusedBefore = await http.SampleAsync("referrals_errors_total", ct, ("error_type", "invalid_signature"));
        var tooLargeBefore = await http.SampleAsync("referrals_errors_total", ct, ("error_type", "payload_too_large"));

        var forged = await http.SendAsync(Signed("/customers/redact", ShopifyWebhooks.Main with { Secret = "guessed" }, CustomerBody(871)), ct);
        var unknownShop = await http.SendAsync(
            Signed("/customers/redact", ShopifyWebhooks.Main with { Domain = "no-such-shop.myshopify.com" }, CustomerBody(871)), ct);
        var tooLarge = await http.SendAsync(Signed("/customers/data_request", ShopifyWebhooks.Main,
            JsonSerializer.Serialize(new { customer = new { id = 871 }, padding = new string('x', 65 * 1024) })), ct);

        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknownShop.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var (unknownProblem, forgedProblem) = (await unknownShop.Content.ReadFromJsonAsync<JsonElement>(ct), await forged.Content.ReadFromJsonAsync<JsonElement>(ct));
        unknownProblem.GetProperty("title").GetString().ShouldBe(forgedProblem.GetProperty("title").GetString());
        unknownProblem.GetProperty("detail").GetString().ShouldBe(forgedProblem.GetProperty("detail").GetString());
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await tooLarge.Content.ReadAsStringAsync(ct)).ShouldContain("payload_too_large");
        // The metrics endpoint caches its scrape briefly: wait for one taken after the requests.
        (await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_errors_total", ct, ("error_type", "invalid_signature")),
            refused => refused >= refusedBefore + 2, TimeSpan.FromSeconds(5), ct)).ShouldBeGreaterThanOrEqualTo(refusedBefore + 2);
        (await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_errors_total", ct, ("error_type", "payload_too_large")),
            tooLarge => tooLarge >= tooLargeBefore + 1, TimeSpan.FromSeconds(5), ct)).ShouldBeGreaterThanOrEqualTo(tooLargeBefore + 1);
    }

    [Theory]
    [InlineData("/customers/data_request")]
    [InlineData("/customers/redact")]
    public async Task A_customer_privacy_webhook_while_core_cannot_identify_the_customer_gets_503_to_be_delivered_again_and_changes_nothing(
        string route)
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 865, 866, ct);
        using var http = app.CreateHttpClient();
        using var core = new HttpClient { BaseAddress = app.CoreControlAddress };

        (await core.PostAsync("/control/fail?count=100&status=Unavailable", null, ct)).EnsureSuccessStatusCode();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(Signed(route, ShopifyWebhooks.Main, CustomerBody(865)), ct);
        }
        finally
        {
            (await core.PostAsync("/control/reset", null, CancellationToken.None)).EnsureSuccessStatusCode();
        }
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // a wrongly accepted redaction would act within this

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync(ct)).ShouldContain("core_unavailable");
        (await ReferrerOfAsync(link.ShopId, link.ReferralId, ct)).ShouldBe(link.Referrer);
    }

    [Fact]
    public async Task A_data_request_answers_the_customers_referrals_as_ids_and_statuses_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 871, 872, ct);
        using var http = app.CreateHttpClient();

        var response = await http.SendAsync(Signed("/customers/data_request", ShopifyWebhooks.Main, CustomerBody(871)), ct);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        answer.GetProperty("customer_id").GetGuid().ShouldBe(link.Referrer);
        var referral = answer.GetProperty("referrals").EnumerateArray().ShouldHaveSingleItem();
        referral.GetProperty("referral_id").GetGuid().ShouldBe(link.ReferralId);
        referral.GetProperty("status").GetString().ShouldBe("completed");
        answer.ToString().ShouldNotContain("@");
    }

    [Fact]
    public async Task A_customer_redaction_keeps_their_referrals_and_audit_entries_but_removes_their_identity_and_tier()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 881, 882, ct);
        var tierEvent = Guid.NewGuid();
        await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(tierEvent, DevShops.Main, link.Referrer, "bronze", DateTimeOffset.UtcNow));
        await app.ProcessedAsync(DevShops.Main, tierEvent, ct);
        var ledgerBefore = await app.PublishedEventsAsync(DevShops.Main, ct, customer: link.Referrer);
        using var http = app.CreateHttpClient();

        var response = await http.SendAsync(Signed("/customers/redact", ShopifyWebhooks.Main, CustomerBody(881)), ct);
        var referrer = await Eventually.ReturnsAsync(() => ReferrerOfAsync(link.ShopId, link.ReferralId, ct), id => id == Guid.Empty, Wait, ct);
        var answer = await (await http.SendAsync(Signed("/customers/data_request", ShopifyWebhooks.Main, CustomerBody(881)), ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        referrer.ShouldBe(Guid.Empty);
        // The tier's bonus is recorded on the held referral; only the end of its hold rewards it.
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("completed");
        (await app.AuditTrailAsync(link.ReferralId, ct)).Count.ShouldBe(2); // created, completed: the trail stays
        (await app.TierOfAsync(DevShops.Main, link.Referrer, ct)).ShouldBeNull();
        answer.GetProperty("referrals").GetArrayLength().ShouldBe(0);
        ledgerBefore.ShouldBeGreaterThan(0); // the invite and referral.completed named them
        (await app.PublishedEventsAsync(DevShops.Main, ct, customer: link.Referrer)).ShouldBe(0); // replay cannot bring them back
    }

    [Fact]
    public async Task A_shop_redaction_erases_everything_of_the_shop_and_nothing_of_another_shop()
    {
        var ct = TestContext.Current.CancellationToken;
        var mine = await ConvertedReferralAsync(ShopifyWebhooks.Main, 891, 892, ct);
        var theirs = await ConvertedReferralAsync(ShopifyWebhooks.Other, 891, 892, ct);
        var otherTier = Guid.NewGuid();
        await app.ProduceAsync(DevShops.Other.ToString(), CampaignEvents.TierAssigned(otherTier, DevShops.Other, theirs.Referrer, "gold", DateTimeOffset.UtcNow));
        await app.ProcessedAsync(DevShops.Other, otherTier, ct);
        // The other shop's key names no referral, so no status change of the run can drop it; only a purge could.
        var otherShopsKey = $"referral:{DevShops.Other}:{Guid.NewGuid()}";
        await app.SetRedisKeysAsync($"referral:{DevShops.Main}:{mine.ReferralId}", otherShopsKey);
        var otherBefore = (Audit: await app.AuditEntriesAsync(DevShops.Other, ct), Processed: await app.ProcessedEventsAsync(DevShops.Other, ct),
            Published: await app.PublishedEventsAsync(DevShops.Other, ct));
        var publishedBefore = await app.PublishedEventsAsync(DevShops.Main, ct);
        using var http = app.CreateHttpClient();

        var response = await http.SendAsync(Signed("/shop/redact", ShopifyWebhooks.Main, "{\"shop_id\": 954889, \"shop_domain\": \"dev-shop.myshopify.com\"}"), ct);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(mine.ShopId, mine.ReferralId, ct), referral => referral is null, Wait, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.AuditEntriesAsync(DevShops.Main, ct)).ShouldBe(0);
        (await app.ProcessedEventsAsync(DevShops.Main, ct)).ShouldBe(0);
        publishedBefore.ShouldBeGreaterThan(0);
        (await app.PublishedEventsAsync(DevShops.Main, ct)).ShouldBe(0);
        (await app.RedisKeysAsync(DevShops.Main)).ShouldBeEmpty();
        (await app.ReferralAsync(theirs.ShopId, theirs.ReferralId, ct))!.Status.ShouldBe("completed");
        (await app.TierOfAsync(DevShops.Other, theirs.Referrer, ct)).ShouldBe("gold");
        (await app.AuditEntriesAsync(DevShops.Other, ct)).ShouldBe(otherBefore.Audit);
        (await app.ProcessedEventsAsync(DevShops.Other, ct)).ShouldBe(otherBefore.Processed);
        (await app.PublishedEventsAsync(DevShops.Other, ct)).ShouldBe(otherBefore.Published);
        (await app.RedisKeysAsync(DevShops.Other)).ShouldContain(otherShopsKey);
    }

    [Theory]
    [InlineData("/customers/redact")]
    [InlineData("/shop/redact")]
    public async Task A_replayed_privacy_webhook_triggered_before_the_replay_window_gets_400_stale_webhook_and_changes_nothing(string route)
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 851, 852, ct);
        using var http = app.CreateHttpClient();

        var replayed = await http.SendAsync(ShopifyWebhooks.SignedWebhook(route, ShopifyWebhooks.Main, CustomerBody(851),
            triggeredAt: DateTimeOffset.UtcNow.AddHours(-7)), ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // a wrongly accepted redaction would act within this

        replayed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await replayed.Content.ReadAsStringAsync(ct)).ShouldContain("stale_webhook");
        (await ReferrerOfAsync(link.ShopId, link.ReferralId, ct)).ShouldBe(link.Referrer);
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_data_request_delivered_twice_is_answered_with_the_data_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 855, 856, ct);
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();

        var first = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/customers/data_request", ShopifyWebhooks.Main, CustomerBody(855), webhookId), ct);
        var again = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/customers/data_request", ShopifyWebhooks.Main, CustomerBody(855), webhookId), ct);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await first.Content.ReadAsStringAsync(ct)).ShouldContain(link.ReferralId.ToString());
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync(ct)).ShouldNotContain(link.ReferralId.ToString());
    }

    [Fact]
    public async Task A_customer_redaction_delivered_twice_is_recorded_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await ConvertedReferralAsync(ShopifyWebhooks.Main, 857, 858, ct);
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();

        var first = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/customers/redact", ShopifyWebhooks.Main, CustomerBody(857), webhookId), ct);
        var again = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/customers/redact", ShopifyWebhooks.Main, CustomerBody(857), webhookId), ct);
        await Eventually.ReturnsAsync(() => ReferrerOfAsync(link.ShopId, link.ReferralId, ct), id => id == Guid.Empty, Wait, ct);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.ProcessedEventAsync(DevShops.Main, webhookId, ct))!.Value.State.ShouldBe("processed");
    }

    [Fact]
    public async Task A_privacy_webhook_of_an_uninstalled_shop_is_still_served_because_shopify_sends_shop_redact_after_uninstalling()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = ShopifyWebhooks.NewShop("uninstalled");
        (await app.PutShopAsync(shop.Id, shop.Domain, active: false, ct)).EnsureSuccessStatusCode();
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();

        var redact = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/shop/redact", shop, "{\"shop_id\": 1, \"shop_domain\": \"x\"}", webhookId), ct);

        redact.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.RegisteredShopAsync(shop.Id, ct)).ShouldBe((shop.Domain, false));
    }

    private static string CustomerBody(long shopifyCustomer) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["shop_id"] = 954889,
        ["shop_domain"] = "dev-shop.myshopify.com",
        ["customer"] = new Dictionary<string, object> { ["id"] = shopifyCustomer, ["email"] = "buyer@example.com", ["phone"] = "+15555550123" },
        ["orders_requested"] = OrdersRequested,
    });

    private static HttpRequestMessage Signed(string route, ShopifyWebhooks.DevShop shop, string body) =>
        ShopifyWebhooks.SignedWebhook(route, shop, body);

    private async Task<Guid?> ReferrerOfAsync(Guid shop, Guid referralId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select data->>'customer_id' from referrals.mt_doc_referral where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("id", referralId);
        return await command.ExecuteScalarAsync(ct) is string id ? Guid.Parse(id) : null;
    }

    private async Task<ConversionFlow.CreatedLink> ConvertedReferralAsync(ShopifyWebhooks.DevShop shop, long referrerNumber, long buyerNumber, CancellationToken ct)
    {
        var link = await app.CreateReferralAsync(shop, referrerNumber, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(shop, ShopifyWebhooks.Order(buyerNumber, discountCode: link.LinkId), ct: ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", Wait, ct);
        return link;
    }
}

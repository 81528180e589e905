using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Operator;

namespace Referrals.Service.Tests.Tenancy;

/// <summary>The shop registry and Shopify's own model: the app's secrets, registered shops, uninstall and re-activation.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ShopRegistryTests(ReferralsApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_webhook_signed_with_the_previous_app_secret_from_a_registered_shop_converts()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 701, ct);
        using var http = app.CreateHttpClient();

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main with { Secret = ShopifyWebhooks.PreviousAppSecret },
            ShopifyWebhooks.Order(702, discountCode: link.LinkId), ct: ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", Wait, ct))!
            .Status.ShouldBe("completed");
    }

    [Fact]
    public async Task A_webhook_signed_with_a_secret_that_is_neither_the_current_nor_the_previous_one_gets_401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main with { Secret = "third-webhook-secret" }, ShopifyWebhooks.Order(703), ct: ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_shop_an_operator_registers_is_answered_and_from_then_on_its_signed_webhooks_are_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = ShopifyWebhooks.NewShop("registered");
        using var http = app.CreateHttpClient();
        var before = await http.SendAsync(ShopifyWebhooks.SignedRequest(shop, ShopifyWebhooks.Order(704), Guid.NewGuid().ToString()), ct);

        var put = await app.PutShopAsync(shop.Id, shop.Domain.ToUpperInvariant(), active: true, ct, allowTestOrders: true);
        var webhookId = Guid.NewGuid().ToString();
        var after = await http.PostOrderAsync(shop, ShopifyWebhooks.Order(704), webhookId, ct);

        before.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = await put.Content.ReadFromJsonAsync<JsonElement>(ct);
        stored.GetProperty("shop_id").GetGuid().ShouldBe(shop.Id);
        stored.GetProperty("domain").GetString().ShouldBe(shop.Domain);
        stored.GetProperty("allow_test_orders").GetBoolean().ShouldBeTrue();
        stored.GetProperty("active").GetBoolean().ShouldBeTrue();
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(shop.Id, webhookId, ct), row => row?.State == "processed", Wait, ct))
            .ShouldNotBeNull();
    }

    [Theory]
    [InlineData("dev-shop.myshopify.com.evil.com")]
    [InlineData("new-shop.com")]
    [InlineData("")]
    [InlineData("new shop.myshopify.com")]
    public async Task The_registry_refuses_a_domain_that_is_not_a_myshopify_domain_with_400_and_stores_nothing(string domain)
    {
        var ct = TestContext.Current.CancellationToken;
        var shopId = Guid.NewGuid();

        var put = await app.PutShopAsync(shopId, domain, active: true, ct);

        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.RegisteredShopAsync(shopId, ct)).ShouldBeNull();
    }

    [Fact]
    public async Task The_registry_refuses_another_shops_domain_with_409_and_changes_neither_shop()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopId = Guid.NewGuid();
        var registry = await app.RegistrySnapshotAsync(ct);

        var put = await app.PutShopAsync(shopId, ShopifyWebhooks.Main.Domain, active: true, ct);

        put.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await put.Content.ReadAsStringAsync(ct)).ShouldContain("domain_taken");
        (await app.RegistrySnapshotAsync(ct)).ShouldBe(registry);
    }

    [Fact]
    public async Task Only_a_platform_operator_writes_the_registry()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = ShopifyWebhooks.NewShop("not-yours");

        var anonymous = await app.PutShopAsync(shop.Id, shop.Domain, active: true, ct, token: "");
        var merchantAdmin = await app.PutShopAsync(shop.Id, shop.Domain, active: true, ct, token: DevShops.AdminToken(DevShops.Main));
        var ownShopAdmin = await app.PutShopAsync(DevShops.Main, ShopifyWebhooks.Main.Domain, active: false, ct,
            token: DevShops.AdminToken(DevShops.Main));

        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        merchantAdmin.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        ownShopAdmin.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.RegisteredShopAsync(shop.Id, ct)).ShouldBeNull();
        (await app.RegisteredShopAsync(DevShops.Main, ct)).ShouldBe((ShopifyWebhooks.Main.Domain, true));
    }

    [Fact]
    public async Task The_registry_route_is_limited_per_client_address()
    {
        var ct = TestContext.Current.CancellationToken;

        var burst = await Task.WhenAll(Enumerable.Range(0, 5 * ReferralsApp.AdminPerIpPerSecond).Select(_ => app.PutShopAsync(Guid.NewGuid(), "x", active: true, ct, token: "")));
        await Task.Delay(TimeSpan.FromSeconds(1.1), ct); // the next test starts in a fresh window

        burst.ShouldContain(response => response.StatusCode == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task The_shops_put_command_registers_a_shop_whose_webhooks_the_service_then_accepts()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = ShopifyWebhooks.NewShop("by-command");
        using var http = app.CreateHttpClient();

        var outcome = await app.RunAsync(ct, "shops", "put", shop.Id.ToString(), "--domain", shop.Domain);
        var response = await http.PostOrderAsync(shop, ShopifyWebhooks.Order(705), ct: ct);

        outcome.ExitCode.ShouldBe(0, outcome.Errors);
        JsonDocument.Parse(outcome.Output).RootElement.GetProperty("domain").GetString().ShouldBe(shop.Domain);
        (await app.RegisteredShopAsync(shop.Id, ct)).ShouldBe((shop.Domain, true));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_shops_put_command_refuses_a_look_alike_domain()
    {
        var ct = TestContext.Current.CancellationToken;
        var shopId = Guid.NewGuid();

        var outcome = await app.RunAsync(ct, "shops", "put", shopId.ToString(), "--domain", "dev-shop.myshopify.com.evil.com");

        outcome.ExitCode.ShouldBe(2);
        outcome.Errors.ShouldContain("myshopify.com");
        (await app.RegisteredShopAsync(shopId, ct)).ShouldBeNull();
    }

    [Fact]
    public async Task An_uninstalled_shops_orders_are_answered_200_and_ignored_until_an_operator_reactivates_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = ShopifyWebhooks.Other;
        var link = await app.CreateReferralAsync(shop, referrerNumber: 711, ct);
        var order = ShopifyWebhooks.Order(712, discountCode: link.LinkId);
        using var http = app.CreateHttpClient();
        var ignoredBefore = await http.SampleAsync("referrals_webhooks_ignored_total", ct, ("reason", "inactive_shop"));
        try
        {
            var uninstalled = await http.SendAsync(ShopifyWebhooks.SignedWebhook("/app/uninstalled", shop, ShopifyWebhooks.ShopBody(shop)), ct);
            var ignoredId = Guid.NewGuid().ToString();
            var ignored = await http.PostOrderAsync(shop, order, ignoredId, ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // a wrongly accepted order would convert within this

            uninstalled.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await app.RegisteredShopAsync(shop.Id, ct)).ShouldBe((shop.Domain, false));
            ignored.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await app.ProcessedEventAsync(shop.Id, ignoredId, ct)).ShouldBeNull();
            (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
            (await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_webhooks_ignored_total", ct, ("reason", "inactive_shop")),
                count => count >= ignoredBefore + 1, TimeSpan.FromSeconds(5), ct)).ShouldBeGreaterThanOrEqualTo(ignoredBefore + 1);

            var reactivated = await app.PutShopAsync(shop.Id, shop.Domain, active: true, ct);
            var delivered = await http.PostOrderAsync(shop, order, ct: ct);

            reactivated.StatusCode.ShouldBe(HttpStatusCode.OK);
            delivered.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", Wait, ct))!
                .Status.ShouldBe("completed");
        }
        finally
        {
            (await app.PutShopAsync(shop.Id, shop.Domain, active: true, CancellationToken.None)).EnsureSuccessStatusCode();
        }
    }
}

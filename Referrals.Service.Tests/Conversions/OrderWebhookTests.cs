using System.Net;
using System.Text;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Conversions;

[Collection(IntegrationTier.Name)]
public sealed class OrderWebhookTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_signed_webhook_for_a_referred_order_converts_the_referral_and_publishes_its_three_events()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 21, ct, locale: "he");
        using var http = app.CreateHttpClient();
        var correlationId = $"conv-{Guid.NewGuid():N}";
        using var request = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 22, discountCode: link.LinkId), Guid.NewGuid().ToString());
        request.Headers.Add("x-correlation-id", correlationId);

        var response = await http.SendAsync(request, ct);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, KafkaWait, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var record = completed.ShouldHaveSingleItem();
        record.Key.ShouldBe(link.ShopId.ToString());
        record.Headers["event_type"].ShouldBe("referral.completed");
        record.Headers["schema_version"].ShouldBe("1.1.0");
        record.Headers["correlation_id"].ShouldBe(correlationId);
        var payload = record.Payload;
        payload.GetProperty("customer_id").GetGuid().ShouldBe(link.Referrer);
        payload.GetProperty("shop_id").GetGuid().ShouldBe(link.ShopId);
        payload.GetProperty("referral_id").GetGuid().ShouldBe(link.ReferralId);
        payload.GetProperty("status").GetString().ShouldBe("completed");
        payload.GetProperty("locale").GetString().ShouldBe("he");
        payload.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace();
        payload.GetProperty("schema_version").GetString().ShouldBe("1.1.0");
        payload.GetProperty("correlation_id").GetString().ShouldBe(correlationId);
        payload.GetProperty("event_id").GetGuid().ShouldNotBe(Guid.Empty);
        payload.TryGetProperty("created_at", out _).ShouldBeTrue();
        payload.ToString().ShouldNotContain("@"); // no email, nothing of the buyer but their platform id

        var thankYou = KafkaReader.Read(app.KafkaBootstrap, "referral.task",
            r => r.Headers.GetValueOrDefault("correlation_id") == correlationId, count: 2, KafkaWait, ct).ShouldHaveSingleItem();
        thankYou.Payload.GetProperty("task_type").GetString().ShouldBe("referral.thank_you");
        thankYou.Payload.GetProperty("customer_id").GetGuid().ShouldBe(DevShops.Customer(link.ShopId, 22)); // the buyer, by platform id
        thankYou.Key.ShouldBe(link.ShopId.ToString());

        var invalidate = app.EventsOf("cache.invalidate", link.ReferralId, atMost: 2, KafkaWait, ct).ShouldHaveSingleItem();
        invalidate.Payload.GetProperty("key").GetString().ShouldBe($"referral:{link.ShopId}:{link.ReferralId}");
        invalidate.Headers["event_type"].ShouldBe("cache.invalidate");
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("completed");
    }

    [Fact]
    public async Task Fifty_concurrent_deliveries_of_the_same_webhook_make_one_conversion_and_one_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 23, ct);
        using var http = app.CreateHttpClient();
        var body = ShopifyWebhooks.Order(shopifyCustomer: 24, landingSite: $"/products/tea?utm_source=sms&ref={link.LinkId}");
        var webhookId = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => http.PostOrderAsync(ShopifyWebhooks.Main, body, webhookId, ct)));
        await app.ForgetRateLimitAsync(ShopifyWebhooks.Main);
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, KafkaWait, ct);

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        completed.Count.ShouldBe(1);
        (await app.ProcessedEventAsync(link.ShopId, webhookId, ct))!.Value.Outcome.ShouldBe("converted");
    }

    [Fact]
    public async Task Two_different_orders_through_one_link_at_once_convert_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 25, ct);
        using var http = app.CreateHttpClient();
        // When both commit at once, the loser's optimistic concurrency check fails once before its retry finds it converted.
        using var expected = app.ExpectErrorLogs("JasperFx.ConcurrencyException: Optimistic concurrency check failed");

        var responses = await Task.WhenAll(
            http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(26, noteReferralCode: link.LinkId), ct: ct),
            http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(27, noteReferralCode: link.LinkId), ct: ct));
        var completed = app.EventsOf("referral.completed", link.ReferralId, atMost: 2, KafkaWait, ct);

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        completed.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_forged_signature_and_an_unknown_shop_are_refused_and_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 28, ct);
        using var http = app.CreateHttpClient();
        var body = ShopifyWebhooks.Order(29, discountCode: link.LinkId);
        var forgedId = Guid.NewGuid().ToString();
        var unknownShop = ShopifyWebhooks.Main with { Domain = "unknown-shop.myshopify.com" };

        using var forged = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, body, forgedId,
            signature: Convert.ToBase64String(new byte[32]));
        var forgedResponse = await http.SendAsync(forged, ct);
        var wrongSecret = await http.PostOrderAsync(ShopifyWebhooks.Main with { Secret = "guessed" }, body, ct: ct);
        var unsigned = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, body, Guid.NewGuid().ToString());
        unsigned.Headers.Remove("X-Shopify-Hmac-Sha256");
        var unsignedResponse = await http.SendAsync(unsigned, ct);
        var unknownShopResponse = await http.PostOrderAsync(unknownShop, body, ct: ct);
        // Shopify has no per-shop secret: only one that is neither the app's current nor its previous secret is wrong.
        var retiredSecret = await http.PostOrderAsync(ShopifyWebhooks.Main with { Secret = "retired-webhook-secret" }, body, ct: ct);

        forgedResponse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrongSecret.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unsignedResponse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknownShopResponse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        retiredSecret.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await forgedResponse.Content.ReadAsStringAsync(ct)).ShouldContain("invalid_signature");
        (await app.ProcessedEventAsync(link.ShopId, forgedId, ct)).ShouldBeNull();
        app.EventsOf("referral.completed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(3), ct).ShouldBeEmpty();
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
    }

    [Fact]
    public async Task Malformed_json_a_body_without_an_order_id_and_a_missing_webhook_id_get_400_problem_details()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var malformedId = Guid.NewGuid().ToString();

        var malformed = await http.PostOrderAsync(ShopifyWebhooks.Main, "{\"id\": 5, \"customer\": ", malformedId, ct);
        var notAnOrder = await http.PostOrderAsync(ShopifyWebhooks.Main, "{\"hello\": \"world\"}", ct: ct);
        using var withoutId = ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(30), "x");
        withoutId.Headers.Remove("X-Shopify-Webhook-Id");
        var missingWebhookId = await http.SendAsync(withoutId, ct);

        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        malformed.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await malformed.Content.ReadAsStringAsync(ct)).ShouldContain("malformed_payload");
        notAnOrder.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notAnOrder.Content.ReadAsStringAsync(ct)).ShouldContain("'id'");
        missingWebhookId.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await missingWebhookId.Content.ReadAsStringAsync(ct)).ShouldContain("X-Shopify-Webhook-Id");
        (await app.ProcessedEventAsync(DevShops.Main, malformedId, ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_body_over_256_KiB_gets_413_and_nothing_is_accepted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();
        var oversized = ShopifyWebhooks.Order(31)[..^1] + ",\"note\":\"" + new string('x', 256 * 1024) + "\"}";
        var exactlyAtLimit = new StringBuilder(ShopifyWebhooks.Order(31)[..^1] + ",\"note\":\"");
        exactlyAtLimit.Append('y', 256 * 1024 - Encoding.UTF8.GetByteCount(exactlyAtLimit.ToString()) - 2).Append("\"}");

        var refused = await http.PostOrderAsync(ShopifyWebhooks.Main, oversized, webhookId, ct);
        var accepted = await http.PostOrderAsync(ShopifyWebhooks.Main, exactlyAtLimit.ToString(), ct: ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await refused.Content.ReadAsStringAsync(ct)).ShouldContain("payload_too_large");
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.ProcessedEventAsync(DevShops.Main, webhookId, ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_self_referral_fails_the_referral_with_its_reason_and_publishes_no_conversion()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 32, ct);
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 32, discountCode: link.LinkId), webhookId, ct);
        var processed = await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(link.ShopId, webhookId, ct),
            row => row?.State == "processed", TimeSpan.FromSeconds(15), ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        processed!.Value.Outcome.ShouldBe("self_referral");
        var referral = (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!;
        referral.Status.ShouldBe("failed");
        referral.StatusReason.ShouldBe("self_referral");
        app.EventsOf("referral.completed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(3), ct).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("unknown_referral_code")]
    [InlineData("test_order")]
    [InlineData("cancelled_order")]
    [InlineData("no_referral")]
    public async Task An_order_that_must_not_convert_is_acknowledged_counted_and_changes_nothing(string outcome)
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 33, ct);
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();
        var body = outcome switch
        {
            "unknown_referral_code" => ShopifyWebhooks.Order(34, discountCode: "Zz9Zz9Zz9Zz9"),
            "test_order" => ShopifyWebhooks.Order(34, discountCode: link.LinkId, test: true),
            "cancelled_order" => ShopifyWebhooks.Order(34, discountCode: link.LinkId, cancelled: true),
            _ => ShopifyWebhooks.Order(34, discountCode: "SUMMER10"),
        };

        var countedBefore = await http.SampleAsync("referrals_orders_total", ct, ("outcome", outcome));

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main, body, webhookId, ct);
        var processed = await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(link.ShopId, webhookId, ct),
            row => row?.State == "processed", TimeSpan.FromSeconds(15), ct);
        var countedAfter = await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_orders_total", ct, ("outcome", outcome)),
            counted => counted > countedBefore, TimeSpan.FromSeconds(10), ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        processed!.Value.Outcome.ShouldBe(outcome);
        countedAfter.ShouldBe(countedBefore + 1);
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("pending");
        app.EventsOf("referral.completed", link.ReferralId, atMost: 1, TimeSpan.FromSeconds(2), ct).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_41st_webhook_within_a_second_for_one_shop_gets_429_while_another_shop_is_served()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        await http.GetAsync("/health", ct); // an open connection, so the burst is not spent on handshakes
        var bodies = Enumerable.Range(0, 41).Select(_ => ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(35), Guid.NewGuid().ToString())).ToList();

        var burst = await Task.WhenAll(bodies.Select(request => http.SendAsync(request, ct)));
        var otherShop = await http.PostOrderAsync(ShopifyWebhooks.Other, ShopifyWebhooks.Order(35), ct: ct);
        await app.ForgetRateLimitAsync(ShopifyWebhooks.Main);

        var limited = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.ShouldNotBeEmpty();
        burst.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(41 - limited.Count);
        limited[0].Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        (await limited[0].Content.ReadAsStringAsync(ct)).ShouldContain("rate_limited");
        otherShop.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.SampleAsync("referrals_rate_limit_exceeded_total", ct, ("scope", "shop"))).ShouldBeGreaterThanOrEqualTo(limited.Count);
    }
}

using System.Net;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.DeadLetters;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Metrics;

/// <summary>
/// Each metric of the plan, read on /metrics before and after one known action, moves by exactly what the action did:
/// the names and labels dashboards and alerts query are the ones exported, and nothing counts twice.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class MetricsMeasureWhatHappenedTests(ReferralsApp app)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    /// <summary>Long enough for a second, wrong, count to be recorded and for the exporter's scrape cache to expire.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task A_conversion_counts_one_converted_order_and_one_completed_conversion_in_its_locale()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber: 61, ct, locale: "he");
        using var http = app.CreateHttpClient();
        var orders = await http.SampleAsync("referrals_orders_total", ct, ("outcome", "converted"));
        var conversions = await http.SampleAsync("referrals_conversions_total", ct, ("status", "completed"), ("locale", "he"));

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 62, discountCode: link.LinkId), ct: ct);
        await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_conversions_total", ct, ("status", "completed"), ("locale", "he")),
            counted => counted > conversions, Within, ct);
        await Task.Delay(Settle, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.ReferralAsync(link.ShopId, link.ReferralId, ct))!.Status.ShouldBe("completed");
        (await http.SampleAsync("referrals_orders_total", ct, ("outcome", "converted")) - orders).ShouldBe(1);
        (await http.SampleAsync("referrals_conversions_total", ct, ("status", "completed"), ("locale", "he")) - conversions).ShouldBe(1);
    }

    [Fact]
    public async Task An_order_without_a_referral_counts_one_no_referral_order_and_no_conversion()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var webhookId = Guid.NewGuid().ToString();
        var noReferral = await http.QuietSampleAsync("referrals_orders_total", Settle, ct, ("outcome", "no_referral"));
        var conversions = await http.QuietSampleAsync("referrals_conversions_total", Settle, ct);

        var response = await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(shopifyCustomer: 63, discountCode: "SUMMER10"), webhookId, ct);
        await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(ShopifyWebhooks.Main.Id, webhookId, ct),
            row => row?.State == "processed", Within, ct);
        await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_orders_total", ct, ("outcome", "no_referral")),
            counted => counted > noReferral, Within, ct);
        await Task.Delay(Settle, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.SampleAsync("referrals_orders_total", ct, ("outcome", "no_referral")) - noReferral).ShouldBe(1);
        (await http.SampleAsync("referrals_conversions_total", ct) - conversions).ShouldBe(0);
    }

    [Fact]
    public async Task A_forged_webhook_counts_one_invalid_signature_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var forged = await http.SampleAsync("referrals_errors_total", ct, ("error_type", "invalid_signature"));

        var response = await http.SendAsync(ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, ShopifyWebhooks.Order(64), Guid.NewGuid().ToString(),
            signature: Convert.ToBase64String(new byte[32])), ct);
        await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_errors_total", ct, ("error_type", "invalid_signature")),
            counted => counted > forged, Within, ct);
        await Task.Delay(Settle, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await http.SampleAsync("referrals_errors_total", ct, ("error_type", "invalid_signature")) - forged).ShouldBe(1);
    }

    [Fact]
    public async Task Each_webhook_refused_by_the_per_shop_limit_counts_once_in_scope_shop()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        await http.GetAsync("/health", ct); // an open connection, so the burst is not spent on handshakes
        var shopLimited = await http.SampleAsync("referrals_rate_limit_exceeded_total", ct, ("scope", "shop"));
        var ipLimited = await http.SampleAsync("referrals_rate_limit_exceeded_total", ct, ("scope", "ip"));
        // One delivery sent 60 times at once (above the shop's 40/s, below the address's 100/s): what passes the limit is
        // a duplicate of the first, so the burst leaves one order behind, not 40 for later tests to count.
        var webhookId = Guid.NewGuid().ToString();
        var body = ShopifyWebhooks.Order(65, cancelled: true);

        var burst = await Task.WhenAll(Enumerable.Range(0, 60)
            .Select(_ => http.SendAsync(ShopifyWebhooks.SignedRequest(ShopifyWebhooks.Main, body, webhookId), ct)));
        await app.ForgetRateLimitAsync(ShopifyWebhooks.Main);
        var refused = burst.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_rate_limit_exceeded_total", ct, ("scope", "shop")),
            counted => counted >= shopLimited + refused, Within, ct);
        await Task.Delay(Settle, ct);

        refused.ShouldBeGreaterThanOrEqualTo(1);
        burst.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(60 - refused);
        (await http.SampleAsync("referrals_rate_limit_exceeded_total", ct, ("scope", "shop")) - shopLimited).ShouldBe(refused);
        (await http.SampleAsync("referrals_rate_limit_exceeded_total", ct, ("scope", "ip")) - ipLimited).ShouldBe(0);
    }

    [Fact]
    public async Task A_first_status_read_counts_one_cache_miss_and_the_next_one_cache_hit()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 66), ct);
        using var http = app.CreateHttpClient();
        const string count = "referrals_status_latency_seconds_count";
        var (miss0, hit0) = (await http.SampleAsync(count, ct, ("cache", "miss")), await http.SampleAsync(count, ct, ("cache", "hit")));

        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);
        await Eventually.ReturnsAsync(() => http.SampleAsync(count, ct, ("cache", "miss")), n => n > miss0, Within, ct);
        await Task.Delay(Settle, ct);
        var (miss1, hit1) = (await http.SampleAsync(count, ct, ("cache", "miss")), await http.SampleAsync(count, ct, ("cache", "hit")));
        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);
        await Eventually.ReturnsAsync(() => http.SampleAsync(count, ct, ("cache", "hit")), n => n > hit1, Within, ct);
        await Task.Delay(Settle, ct);
        var (miss2, hit2) = (await http.SampleAsync(count, ct, ("cache", "miss")), await http.SampleAsync(count, ct, ("cache", "hit")));

        (miss1 - miss0, hit1 - hit0).ShouldBe((1d, 0d));
        (miss2 - miss1, hit2 - hit1).ShouldBe((0d, 1d));
        // The SLO's "faster than 200 ms" is a bucket boundary, not an interpolation.
        (await http.SampleAsync("referrals_status_latency_seconds_bucket", ct, ("cache", "hit"), ("le", "0.2"))).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_translation_lookup_counts_a_miss_when_redis_lacks_it_then_a_hit()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 67), ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        // A read asks the shop's override entry, then the platform default's: two lookups, each a miss or a hit.
        await redis.GetDatabase().KeyDeleteAsync(["translations:referral.status.pending:ar",
            $"translations:{DevShops.Main}:referral.status.pending:ar"]);
        using var http = app.CreateHttpClient();
        var (misses0, hits0) = await TranslationsAsync(http, ct);

        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "ar");
        await Eventually.ReturnsAsync(() => TranslationsAsync(http, ct), n => n.Misses > misses0, Within, ct);
        await Task.Delay(Settle, ct);
        var (misses1, hits1) = await TranslationsAsync(http, ct);
        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "ar");
        await Eventually.ReturnsAsync(() => TranslationsAsync(http, ct), n => n.Hits > hits1, Within, ct);
        await Task.Delay(Settle, ct);
        var (misses2, hits2) = await TranslationsAsync(http, ct);

        (misses1 - misses0, hits1 - hits0).ShouldBe((2d, 0d));
        (misses2 - misses1, hits2 - hits1).ShouldBe((0d, 2d));
    }

    [Fact]
    public async Task A_dead_letter_raises_the_dead_letter_size_by_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        var dlqId = $"metrics-{Guid.NewGuid():N}";
        var before = await http.SampleAsync("referrals_dlq_size_total", ct);

        await RawKafka.ProduceAsync(app.KafkaBootstrap, "referrals.dlq",
            [DeadLetterRecords.DeadLetter(DevShops.Other, dlqId, DeadLetterRecords.PrivateHour())], ct);
        var after = await Eventually.ReturnsAsync(() => http.SampleAsync("referrals_dlq_size_total", ct), size => size > before,
            TimeSpan.FromSeconds(30), ct);

        after.ShouldBe(before + 1);
        (await app.WaitingDeadLettersAsync([dlqId], ct)).OfThese.ShouldBe(1);
    }

    [Fact]
    public async Task Wolverines_own_metrics_are_exported_with_the_inbox_outbox_and_scheduled_backlog()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.CreateHttpClient();
        string[] backlog = ["wolverine_inbox_count_Messages", "wolverine_outbox_count_Messages", "wolverine_scheduled_count_Messages"];
        var webhookId = Guid.NewGuid().ToString(); // one handled message, so the per-message instruments exist
        await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(68, test: true), webhookId, ct);
        await Eventually.ReturnsAsync(() => app.ProcessedEventAsync(ShopifyWebhooks.Main.Id, webhookId, ct),
            row => row?.State == "processed", Within, ct);

        // Recounted by the durability agent every Durability.UpdateMetricsPeriod (5 s), on the instance the cluster's
        // leader assigned the agent to: the two instances' metrics are read together.
        using var second = app.CreateSecondHttpClient();
        var text = await Eventually.ReturnsAsync(async () => await http.GetStringAsync("/metrics", ct) + await second.GetStringAsync("/metrics", ct),
            metrics => backlog.All(name => metrics.Contains($"\n{name}{{", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), ct);

        foreach (var name in backlog)
            (await app.ClusterSampleAsync(name, ct)).ShouldBeGreaterThanOrEqualTo(0);
        text.ShouldContain("wolverine_execution_time_Milliseconds_count{");
        text.ShouldContain("wolverine_messages_succeeded_Messages_total{");
        text.ShouldContain("otel_scope_name=\"Wolverine:referrals\"");
        // Per message type and destination, not per shop (tenant): bounded cardinality.
        text.Split('\n').Where(line => line.StartsWith("wolverine_", StringComparison.Ordinal)).ShouldAllBe(line => !line.Contains("tenant_id="));
    }

    private static async Task<(double Misses, double Hits)> TranslationsAsync(HttpClient http, CancellationToken ct) =>
        (await http.SampleAsync("translations_cache_misses_total", ct), await http.SampleAsync("translations_cache_hits_total", ct));
}

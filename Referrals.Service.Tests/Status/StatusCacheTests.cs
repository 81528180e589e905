using System.Diagnostics;
using Referrals.Contracts.V1;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.StatusReads;

[Collection(IntegrationTier.Name)]
public sealed class StatusCacheTests(ReferralsApp app)
{
    [Fact]
    public async Task After_the_first_read_the_status_is_answered_from_redis_for_an_hour_and_counted_as_a_hit()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 40), ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var key = $"referral:{DevShops.Main}:{created.ReferralId}";
        var hitsBefore = await app.MetricAsync("referrals_status_latency_seconds_count", "cache=\"hit\"", ct);

        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        // Only a read served from Redis can see a value that exists nowhere but in Redis.
        var cached = (string)(await redis.GetDatabase().StringGetAsync(key))!;
        await redis.GetDatabase().StringSetAsync(key, cached.Replace("\"pending\"", "\"rewarded\"", StringComparison.Ordinal), ttl!.Value);
        var second = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "ar");
        var hitsAfter = await MetricAfterScrapeCacheAsync("referrals_status_latency_seconds_count", "cache=\"hit\"", hitsBefore, ct);

        ttl.ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        second.Status.ShouldBe(ReferralStatus.Rewarded);
        second.Description.ShouldBe("تمت مكافأة الإحالة");
        hitsAfter.ShouldBeGreaterThan(hitsBefore);
    }

    [Fact]
    public async Task Translation_lookups_are_cached_for_a_day_and_counted_as_hits_and_misses()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 41), ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        const string key = "translations:referral.status.pending:he";
        await redis.GetDatabase().KeyDeleteAsync(key);
        var missesBefore = await app.MetricAsync("translations_cache_misses_total", "", ct);

        await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "he");
        var missesAfterFirst = await MetricAfterScrapeCacheAsync("translations_cache_misses_total", "", missesBefore, ct);
        var hitsBeforeSecond = await app.MetricAsync("translations_cache_hits_total", "", ct);
        var second = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct, "he");
        var hitsAfterSecond = await MetricAfterScrapeCacheAsync("translations_cache_hits_total", "", hitsBeforeSecond, ct);

        missesAfterFirst.ShouldBeGreaterThan(missesBefore);
        hitsAfterSecond.ShouldBeGreaterThan(hitsBeforeSecond);
        (await redis.GetDatabase().KeyTimeToLiveAsync(key)).ShouldNotBeNull().ShouldBeInRange(TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        ((string?)await redis.GetDatabase().StringGetAsync(key)).ShouldBe(second.Description);
        Scripts.Of(second.Description).ShouldBe([Scripts.Hebrew]);
    }

    [Fact]
    public async Task After_a_status_change_and_its_cache_invalidate_event_a_client_reads_the_new_status_within_a_second()
    {
        var ct = TestContext.Current.CancellationToken;
        var token = DevShops.MerchantToken(DevShops.Main);
        var created = await app.CreateReferralAsync(DevShops.Main, DevShops.Customer(DevShops.Main, 42), ct);
        var before = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);
        var completed = await app.DocumentStatusAsync(created.ReferralId, ct) == "pending" ? "completed" : "Completed";

        // What a conversion commits: the new status, and cache.invalidate for the status entry through the outbox.
        await app.SetStatusInDatabaseAsync(created.ReferralId, completed, ct);
        var stillCached = await app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct);
        await app.PublishReferralInvalidationAsync(DevShops.Main, created.ReferralId, ct);
        var clock = Stopwatch.StartNew();
        var after = await Eventually.ReturnsAsync(() => app.GetStatusAsync(DevShops.Main, created.ReferralId, token, ct),
            status => status.Status == ReferralStatus.Completed, TimeSpan.FromSeconds(5), ct);
        var took = clock.Elapsed;

        before.Status.ShouldBe(ReferralStatus.Pending);
        stillCached.Status.ShouldBe(ReferralStatus.Pending);
        after.Description.ShouldBe("Referral completed");
        took.ShouldBeLessThan(TimeSpan.FromSeconds(1));
    }

    /// <summary>/metrics answers from a short scrape cache: poll until the sample moves past its earlier value.</summary>
    private async Task<double> MetricAfterScrapeCacheAsync(string sample, string labelPart, double before, CancellationToken ct)
    {
        try
        {
            return await Eventually.ReturnsAsync(() => app.MetricAsync(sample, labelPart, ct), value => value > before, TimeSpan.FromSeconds(5), ct);
        }
        catch (TimeoutException)
        {
            return before;
        }
    }
}

extern alias service;

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using service::Referrals.Service.Caching;
using service::Referrals.Service.Webhooks;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Reliability;

/// <summary>With Redis away the per-shop webhook limit still holds, counted in the process, and answers at once.</summary>
[Trait("Tier", "Unit")]
public sealed class ShopRateLimitWithoutRedisTests
{
    [Fact]
    public async Task With_redis_away_a_shop_past_its_limit_is_told_to_retry_later_and_another_shop_is_not()
    {
        await using var nowhere = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { "127.0.0.1:1" },
            AbortOnConnectFail = false,
            ConnectTimeout = 100,
            BacklogPolicy = BacklogPolicy.FailFast,
        });
        var breaker = new RedisBreaker(new RedisBreakerOptions(TimeSpan.FromMilliseconds(250), 3, TimeSpan.FromSeconds(5)),
            TimeProvider.System, NullLogger<RedisBreaker>.Instance, new TestMeters());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Webhooks:PerShopPerSecond"] = "5" }).Build();
        using var limit = new ShopWebhookRateLimit(nowhere, breaker, configuration);
        var busyShop = Guid.NewGuid();

        var answers = new List<TimeSpan?>();
        for (var i = 0; i < 6; i++)
            answers.Add(await limit.TryAcquireAsync(busyShop));
        var otherShop = await limit.TryAcquireAsync(Guid.NewGuid());

        answers.Take(5).ShouldAllBe(wait => wait == null);
        answers[5].ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.Zero);
        otherShop.ShouldBeNull();
        breaker.IsOpen.ShouldBeTrue();
    }

    private sealed class TestMeters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose() { }
    }
}

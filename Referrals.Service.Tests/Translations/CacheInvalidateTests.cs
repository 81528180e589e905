using Confluent.Kafka;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed class CacheInvalidateTests(ReferralsApp app)
{
    [Fact]
    public async Task A_cache_invalidate_event_from_another_service_drops_the_named_entry_default_or_override_and_leaves_other_holders_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var db = redis.GetDatabase();
        var translationKey = $"translations:referral.status.rewarded:ar";
        var overrideKey = $"translations:{DevShops.Main}:referral.status.rewarded:ar";
        var statusKey = $"referral:{DevShops.Main}:{Guid.NewGuid()}";
        var foreignKey = $"points:{DevShops.Main}:balance";
        foreach (var key in new[] { translationKey, overrideKey, statusKey, foreignKey })
            await db.StringSetAsync(key, "stale", TimeSpan.FromMinutes(5));

        // Plain JSON without Wolverine's headers, the way the frontend or Points would produce it.
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap }).Build();
        foreach (var (key, type) in new[] { (translationKey, "translation"), (overrideKey, "translation"), (statusKey, "referral"), (foreignKey, "points") })
            await producer.ProduceAsync("cache.invalidate", new Message<string, string>
            {
                Key = DevShops.Main.ToString(),
                Value = $$"""{"key":"{{key}}","shop_id":"{{DevShops.Main}}","type":"{{type}}","locale":"ar","created_at":"{{DateTimeOffset.UtcNow:O}}"}""",
            }, ct);

        var dropped = await Eventually.ReturnsAsync(
            async () => !await db.KeyExistsAsync(translationKey) && !await db.KeyExistsAsync(overrideKey) && !await db.KeyExistsAsync(statusKey),
            gone => gone, TimeSpan.FromSeconds(20), ct);

        dropped.ShouldBeTrue();
        (await db.KeyExistsAsync(foreignKey)).ShouldBeTrue();
    }
}

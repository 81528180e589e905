using System.Globalization;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.DeadLetters;

/// <summary>Every consumer retries with jittered backoff and parks what still fails on referrals.dlq: nothing is lost.</summary>
[Collection(IntegrationTier.Name)]
public sealed class ConsumerDeadLetterTests(ReferralsApp app)
{
    [Fact]
    public async Task A_cache_invalidation_that_redis_refuses_is_retried_then_parked_with_its_payload_and_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = $"referral:{DevShops.Main}:{Guid.NewGuid()}";
        var payload = $$"""{"key":"{{key}}","shop_id":"{{DevShops.Main}}","type":"referral","locale":"en","created_at":"{{DateTimeOffset.UtcNow:O}}"}""";
        // Redis answers but refuses deleting (SE.Redis sends UNLINK where Redis has it): an error reply, which retrying does not fix (Redis away is waited out instead,
        // Reliability/StatusWithRedisPausedTests).
        using var expected = app.ExpectErrorLogs("NOPERM", "(Referrals.Service.Caching.CacheInvalidate)");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);

        await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "-del", "-unlink");
        IReadOnlyList<RawRecord> parked;
        try
        {
            await RawKafka.ProduceAsync(app.KafkaBootstrap, "cache.invalidate", [RawKafka.Record(DevShops.Main.ToString(), payload)], ct);
            parked = RawKafka.Read(app.KafkaBootstrap, "referrals.dlq", r => r.ValueText.Contains(key, StringComparison.Ordinal), 2,
                TimeSpan.FromSeconds(30), ct);
        }
        finally
        {
            await redis.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "+del", "+unlink");
        }

        var deadLetter = parked.ShouldHaveSingleItem();
        deadLetter.ValueText.ShouldBe(payload); // byte for byte, as the other service produced it
        deadLetter.KeyText.ShouldBe(DevShops.Main.ToString());
        deadLetter.Header("event_type").ShouldBe("cache.invalidate");
        deadLetter.Header("dlq_attempts").ShouldBe("3");
        deadLetter.Header("dlq_error_type")!.ShouldStartWith("StackExchange.Redis.");
        deadLetter.Header("dlq_source").ShouldBe("kafka://topic/cache.invalidate");
        var firstFailedAt = DateTimeOffset.Parse(deadLetter.Header("dlq_first_failed_at")!, CultureInfo.InvariantCulture);
        var lastFailedAt = DateTimeOffset.Parse(deadLetter.Header("dlq_failed_at")!, CultureInfo.InvariantCulture);
        (lastFailedAt - firstFailedAt).ShouldBeGreaterThan(TimeSpan.FromSeconds(1.8)); // 0.5 s and 2 s, ±25 %
    }
}

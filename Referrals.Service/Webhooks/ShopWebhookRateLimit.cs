using System.Threading.RateLimiting;
using Referrals.Service.Caching;
using StackExchange.Redis;

namespace Referrals.Service.Webhooks;

/// <summary>
/// 40 webhooks per second per shop (Shopify Plus), shared by every instance through Redis
/// `rate_limit:{shop_id}:referrals`: a sliding one-second log in a sorted set, on Redis's clock, expiring
/// after 60 s of silence. Over the limit the caller learns when a slot frees up (Retry-After).
/// Redis down or hung (<see cref="RedisBreaker"/>) → the same limit counted in this process, at once: a webhook is
/// neither held up nor let through unlimited while Redis is away (each instance then allows the limit on its own).
/// The in-process limiters are per shop of the registry (the webhook was verified first) and dropped after 10 s idle.
/// </summary>
public sealed class ShopWebhookRateLimit(IConnectionMultiplexer redis, RedisBreaker breaker, IConfiguration configuration) : IDisposable
{
    private const string SlidingWindow = """
        local now = redis.call('TIME')
        local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local window_us = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window_us)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
          redis.call('ZADD', KEYS[1], now_us, ARGV[3])
          redis.call('EXPIRE', KEYS[1], 60)
          return 0
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return tonumber(oldest[2]) + window_us - now_us
        """;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private const string PerSecondSetting = "Webhooks:PerShopPerSecond";

    private readonly int _perSecond = configuration.GetValue(PerSecondSetting, 40);

    private readonly PartitionedRateLimiter<Guid> _whileRedisAway = InProcess(configuration.GetValue(PerSecondSetting, 40));

    public static string Key(Guid shopId) => $"rate_limit:{shopId}:referrals";

    /// <summary>Null when the request may proceed; otherwise how long until it could.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(Guid shopId) => (await TryAcquireAsync(shopId, seenKey: null)).RetryAfter;

    /// <summary>
    /// The limit and, in the same round trip (one pipelined write, both keys routed on their own), whether Redis holds
    /// <paramref name="seenKey"/> (a delivery seen before, <see cref="Idempotency.RecentEvents"/>). Seen is only
    /// answered for a request within the limit; Redis away → the in-process limit, and not seen (the database decides).
    /// </summary>
    public async Task<(TimeSpan? RetryAfter, bool Seen)> TryAcquireAsync(Guid shopId, string? seenKey)
    {
        long wait;
        bool seen;
        try
        {
            (wait, seen) = await breaker.RunAsync(async () =>
            {
                var batch = redis.GetDatabase().CreateBatch();
                var limit = batch.ScriptEvaluateAsync(SlidingWindow,
                    [Key(shopId)], [_perSecond, (long)(Window.Ticks / 10), Guid.NewGuid().ToString("N")]);
                var exists = seenKey is null ? Task.FromResult(false) : batch.KeyExistsAsync(seenKey);
                batch.Execute();
                return ((long)await limit, await exists);
            });
        }
        catch (RedisException)
        {
            return (InThisProcess(shopId), false);
        }
        return wait <= 0 ? (null, seen) : (TimeSpan.FromTicks(wait * 10), false);
    }

    public void Dispose() => _whileRedisAway.Dispose();

    private static PartitionedRateLimiter<Guid> InProcess(int perSecond) => PartitionedRateLimiter.Create<Guid, Guid>(shop =>
        RateLimitPartition.GetSlidingWindowLimiter(shop, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = perSecond,
            Window = Window,
            SegmentsPerWindow = 10,
            QueueLimit = 0,
        }));

    private TimeSpan? InThisProcess(Guid shopId)
    {
        using var lease = _whileRedisAway.AttemptAcquire(shopId);
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
    }
}

using StackExchange.Redis;

namespace Referrals.Service.Webhooks;

/// <summary>
/// 40 webhooks per second per shop (Shopify Plus), shared by every instance through Redis
/// `rate_limit:{shop_id}:referrals`: a sliding one-second log in a sorted set, on Redis's clock, expiring
/// after 60 s of silence. Over the limit the caller learns when a slot frees up (Retry-After).
/// Redis down → allowed: Shopify's deliveries must not be refused because a cache is away; the per-IP
/// limit still stands in front.
/// </summary>
public sealed class ShopWebhookRateLimit(IConnectionMultiplexer redis, IConfiguration configuration, ILogger<ShopWebhookRateLimit> logger)
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

    private readonly int _perSecond = configuration.GetValue("Webhooks:PerShopPerSecond", 40);

    public static string Key(Guid shopId) => $"rate_limit:{shopId}:referrals";

    /// <summary>Null when the request may proceed; otherwise how long until it could.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(Guid shopId)
    {
        try
        {
            var waitMicroseconds = (long)await redis.GetDatabase().ScriptEvaluateAsync(SlidingWindow,
                [Key(shopId)], [_perSecond, (long)(Window.Ticks / 10), Guid.NewGuid().ToString("N")]);
            return waitMicroseconds <= 0 ? null : TimeSpan.FromTicks(waitMicroseconds * 10);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Redis unavailable for the per-shop rate limit; allowing the webhook");
            return null;
        }
    }
}

using StackExchange.Redis;

namespace Referrals.Service.Caching;

/// <summary>
/// The service's Redis caches (`referral:*`, `translations:*`). Redis down must not mean wrong or slow
/// answers: reads and writes are skipped while it is disconnected and the caller goes to Postgres.
/// </summary>
public sealed class CacheEntries(IConnectionMultiplexer redis, ILogger<CacheEntries> logger)
{
    /// <summary>The cached value, or null when there is none or Redis cannot answer.</summary>
    public async Task<string?> TryGetAsync(string key)
    {
        if (!redis.IsConnected)
            return null;
        try
        {
            return await redis.GetDatabase().StringGetAsync(key);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Cache read skipped: Redis unavailable");
            return null;
        }
    }

    public async Task TrySetAsync(string key, string value, TimeSpan ttl)
    {
        if (!redis.IsConnected)
            return;
        try
        {
            await redis.GetDatabase().StringSetAsync(key, value, ttl);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Cache write skipped: Redis unavailable");
        }
    }

    /// <summary>Drops a cached entry now; throws when Redis cannot answer, so a message handler retries.</summary>
    public Task DropAsync(string key) => redis.GetDatabase().KeyDeleteAsync(key);

    /// <summary>Drops a cached entry if Redis answers; a cache.invalidate event drops it again later.</summary>
    public async Task TryDropAsync(string key)
    {
        try
        {
            await DropAsync(key);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Cache drop skipped: Redis unavailable; the cache.invalidate event retries it");
        }
    }
}

using StackExchange.Redis;

namespace Referrals.Service.Caching;

/// <summary>
/// The service's Redis caches (`referral:*`, `translations:*`), through the <see cref="RedisBreaker"/>. Redis down or
/// hung must not mean wrong or slow answers: while it cannot answer, reads and writes are skipped at once and the
/// caller goes to Postgres.
/// </summary>
public sealed class CacheEntries(IConnectionMultiplexer redis, RedisBreaker breaker)
{
    /// <summary>The cached value, or null when there is none or Redis cannot answer.</summary>
    public async Task<string?> TryGetAsync(string key) =>
        await breaker.OrElseAsync(() => redis.GetDatabase().StringGetAsync(key), RedisValue.Null);

    public Task TrySetAsync(string key, string value, TimeSpan ttl) =>
        breaker.OrElseAsync(() => redis.GetDatabase().StringSetAsync(key, value, ttl), false);

    /// <summary>
    /// Drops a cached entry now; throws <see cref="RedisUnavailableException"/> when Redis cannot answer, so a message
    /// handler waits and retries (ErrorPolicies.RetryWhileRedisAway).
    /// </summary>
    public Task DropAsync(string key) => breaker.RunAsync(() => redis.GetDatabase().KeyDeleteAsync(key));

    /// <summary>Drops a cached entry if Redis answers; a cache.invalidate event drops it again later.</summary>
    public Task TryDropAsync(string key) => breaker.OrElseAsync(() => redis.GetDatabase().KeyDeleteAsync(key), false);
}

using System.Globalization;
using Referrals.Service.Caching;
using StackExchange.Redis;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Every Redis key of a shop: `referral:{shop_id}:*` (status cache), `processed:{shop_id}:*` (idempotency),
/// `rate_limit:{shop_id}:*`. Found with SCAN in pages, never KEYS, so a large keyspace never blocks Redis.
/// </summary>
public static class ShopRedisKeys
{
    private const int PageSize = 500;

    public static IReadOnlyList<string> Patterns(Guid shopId) =>
        [$"referral:{shopId}:*", $"processed:{shopId}:*", $"rate_limit:{shopId}:*"];

    /// <summary>Deletes them, each command through the breaker; throws when Redis cannot answer (the purge is retried, never reported done).</summary>
    public static async Task<long> EraseAsync(IDatabase redis, RedisBreaker breaker, Guid shopId)
    {
        long erased = 0;
        foreach (var pattern in Patterns(shopId))
        {
            var cursor = "0";
            do
            {
                var page = (RedisResult[])(await breaker.RunAsync(() =>
                    redis.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", PageSize.ToString(CultureInfo.InvariantCulture))))!;
                cursor = (string)page[0]!;
                var keys = ((RedisResult[])page[1]!).Select(key => new RedisKey((string)key!)).ToArray();
                if (keys.Length > 0)
                    erased += await breaker.RunAsync(() => redis.KeyDeleteAsync(keys));
            }
            while (cursor != "0");
        }
        return erased;
    }
}

using Referrals.Service.Caching;
using StackExchange.Redis;

namespace Referrals.Service.Idempotency;

/// <summary>
/// Redis `processed:{shop_id}:{event_id}` (24 h) in front of <see cref="ProcessedEvent"/>: it only saves a
/// database round trip for a redelivery. Postgres decides; when Redis is down or hung (<see cref="RedisBreaker"/>) this
/// answers "not seen" at once and the database refuses the duplicate.
/// </summary>
public sealed class RecentEvents(IConnectionMultiplexer redis, RedisBreaker breaker)
{
    public static string Key(Guid shopId, string eventId) => $"processed:{shopId}:{eventId}";

    public Task<bool> WasSeenAsync(Guid shopId, string eventId) =>
        breaker.OrElseAsync(() => redis.GetDatabase().KeyExistsAsync(Key(shopId, eventId)), false);

    /// <summary>Remembers it if Redis answers; Postgres has it anyway.</summary>
    public Task RememberAsync(Guid shopId, string eventId) =>
        breaker.OrElseAsync(() => redis.GetDatabase().StringSetAsync(Key(shopId, eventId), "1", ProcessedEvent.Retention, When.NotExists), false);
}

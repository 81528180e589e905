using StackExchange.Redis;

namespace Referrals.Service.Idempotency;

/// <summary>
/// Redis `processed:{shop_id}:{event_id}` (24 h) in front of <see cref="ProcessedEvent"/>: it only saves a
/// database round trip for a redelivery. Postgres decides; when Redis is down this answers "not seen" and
/// the database refuses the duplicate.
/// </summary>
public sealed class RecentEvents(IConnectionMultiplexer redis, ILogger<RecentEvents> logger)
{
    public static string Key(Guid shopId, string eventId) => $"processed:{shopId}:{eventId}";

    public async Task<bool> WasSeenAsync(Guid shopId, string eventId)
    {
        try
        {
            return await redis.GetDatabase().KeyExistsAsync(Key(shopId, eventId));
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Redis unavailable for the idempotency check; Postgres decides");
            return false;
        }
    }

    public async Task RememberAsync(Guid shopId, string eventId)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(shopId, eventId), "1", ProcessedEvent.Retention, When.NotExists);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Redis unavailable to remember a processed event; Postgres still has it");
        }
    }
}

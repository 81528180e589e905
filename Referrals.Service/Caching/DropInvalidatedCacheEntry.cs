using Referrals.Service.Features.DeadLetters;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Caching;

/// <summary>A key prefix of this service's Redis caches, registered by the slice that owns the cache.</summary>
public sealed record OwnedCachePrefix(string Prefix);

/// <summary>
/// Consumes `cache.invalidate` (from this service's outbox and from other services): drops the named entry when it
/// belongs to one of this service's caches (<see cref="OwnedCachePrefix"/>). Keys of other holders' caches are not
/// ours to touch and are ignored.
/// </summary>
public static class DropInvalidatedCacheEntryHandler
{
    public static void Configure(HandlerChain chain)
    {
        // A failed attempt here is Redis away, retried until it answers, or a refusal parked on referrals.dlq (the
        // record): neither is an error to page anyone about while it is being retried.
        chain.FailureLogLevel = LogLevel.Warning;
        ErrorPolicies.RetryWhileRedisAway(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    public static async Task Handle(CacheInvalidate message, IEnumerable<OwnedCachePrefix> owned, CacheEntries cache, ILogger logger)
    {
        if (!owned.Any(o => message.Key.StartsWith(o.Prefix, StringComparison.Ordinal)))
            return;

        // Throws while Redis is away: the message waits and retries until Redis answers, so no stale entry outlives the outage
        // by more than a retry; what else fails is retried, then parked, rather than lost with a stale entry left.
        await cache.DropAsync(message.Key);
        // Two per change of a referral (the local queue and Kafka): routine, not an event an operator needs.
        logger.LogDebug("Dropped cache entry of type {CacheType} for shop {ShopId}", message.Type, message.ShopId);
    }
}

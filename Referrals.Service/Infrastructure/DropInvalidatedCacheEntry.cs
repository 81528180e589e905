using Referrals.Service.Features.DeadLetters;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Infrastructure;

/// <summary>
/// Consumes `cache.invalidate` (from this service's outbox and from other services): drops the named entry
/// of this service's Redis caches. Keys of other holders' caches are not ours to touch and are ignored.
/// </summary>
public static class DropInvalidatedCacheEntryHandler
{
    private static readonly string[] OwnPrefixes = ["referral:", "translations:"];

    public static void Configure(HandlerChain chain) => ErrorPolicies.RetryThenPark(chain);

    public static async Task Handle(CacheInvalidate message, CacheEntries cache, ILogger logger)
    {
        if (!OwnPrefixes.Any(prefix => message.Key.StartsWith(prefix, StringComparison.Ordinal)))
            return;

        // Throws while Redis is unreachable: the message is retried, then parked, rather than lost with a stale entry left.
        await cache.DropAsync(message.Key);
        logger.LogInformation("Dropped cache entry of type {CacheType} for shop {ShopId}", message.Type, message.ShopId);
    }
}

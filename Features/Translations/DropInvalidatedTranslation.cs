using Referrals.Service.Caching;
using Referrals.Service.Features.DeadLetters;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// Consumes `cache.invalidate` (from this service's outbox and from other services): drops a cached translation,
/// `translations:{key}:{locale}`. Keys of other holders' caches are not ours to touch and are ignored.
/// </summary>
public static class DropInvalidatedTranslationHandler
{
    public static void Configure(HandlerChain chain) => ErrorPolicies.RetryThenPark(chain);

    public static async Task Handle(CacheInvalidate message, CacheEntries cache, ILogger logger)
    {
        if (!message.Key.StartsWith(LocalizedMessages.CachePrefix, StringComparison.Ordinal))
            return;

        // Throws while Redis is unreachable: the message is retried, then parked, rather than lost with a stale entry left.
        await cache.DropAsync(message.Key);
        logger.LogInformation("Dropped cache entry of type {CacheType} for shop {ShopId}", message.Type, message.ShopId);
    }
}

using Referrals.Service.Messaging;
using Referrals.Service.Platform;
using Wolverine;
using Wolverine.Kafka;

namespace Referrals.Service.Caching;

public static class CachingSetup
{
    public const string InvalidationQueue = "cache-invalidation";

    /// <summary>The slice that owns a cache registers its key prefix; `cache.invalidate` then drops its entries.</summary>
    public static IServiceCollection AddOwnedCachePrefix(this IServiceCollection services, string prefix) =>
        services.AddSingleton(new OwnedCachePrefix(prefix));

    /// <summary>Redis for the caches, and the `cache.invalidate` routes that keep every holder's copy honest.</summary>
    public static WebApplicationBuilder AddCaching(this WebApplicationBuilder builder)
    {
        builder.AddRedisClient(InfrastructureSettings.Redis, settings => settings.DisableTracing = false,
            // Redis down must not stop the service: caches are bypassed, idempotency falls back to Postgres.
            options => options.AbortOnConnectFail = false);
        builder.Services.AddSingleton<CacheEntries>();

        builder.Services.ConfigureWolverine(options =>
        {
            // cache.invalidate comes from other services too, as plain snake_case JSON without Wolverine's headers.
            options.ListenToKafkaTopic(Topics.CacheInvalidate).DefaultIncomingMessage<CacheInvalidate>()
                .ExtendConsumerConfiguration(consumer => consumer.GroupId = MessagingSetup.ConsumerGroup(Topics.CacheInvalidate));
            // Every holder gets it from Kafka; this service's own Redis entry is dropped right after the commit
            // through a local queue, so a reader sees the new state in milliseconds, not a Kafka round trip later.
            options.PublishMessage<CacheInvalidate>().ToKafkaTopic(Topics.CacheInvalidate);
            options.PublishMessage<CacheInvalidate>().ToLocalQueue(InvalidationQueue);
        });
        return builder;
    }
}

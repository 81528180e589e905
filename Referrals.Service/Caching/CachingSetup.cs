using Referrals.Service.Messaging;
using Referrals.Service.Platform;
using StackExchange.Redis;
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
        var breaker = RedisBreakerOptions.From(builder.Configuration);
        var connectTimeout = builder.Configuration.GetValue("Redis:ConnectTimeoutMilliseconds", 1000);
        builder.AddRedisClient(InfrastructureSettings.Redis, settings =>
        {
            settings.DisableTracing = false;
            // RedisBreakerHealthCheck reports Redis instead: Degraded, not Unhealthy, when it is away.
            settings.DisableHealthChecks = true;
        }, options =>
        {
            // Redis down must not stop the service: caches are bypassed, idempotency falls back to Postgres.
            options.AbortOnConnectFail = false;
            // A fast path, never a wait: a command slower than this counts as Redis away (RedisBreaker).
            options.AsyncTimeout = options.SyncTimeout = (int)breaker.CommandTimeout.TotalMilliseconds;
            options.ConnectTimeout = connectTimeout;
            // Without a connection a command fails at once rather than waiting in the backlog for its timeout.
            options.BacklogPolicy = BacklogPolicy.FailFast;
        });
        builder.Services.AddSingleton(breaker);
        builder.Services.AddSingleton<RedisBreaker>();
        builder.AddServiceMeter(RedisBreaker.MeterName);
        builder.Services.AddHealthChecks().AddCheck<RedisBreakerHealthCheck>("redis");
        builder.Services.AddSingleton<CacheEntries>();

        builder.Services.ConfigureWolverine(options =>
        {
            // cache.invalidate comes from other services too, as plain snake_case JSON or Confluent Avro without
            // Wolverine's headers.
            options.ListenToKafkaTopic(Topics.CacheInvalidate).DefaultIncomingMessage<CacheInvalidate>().AcceptConfluentAvro()
                .EnableNativeDeadLetterQueue() // what does not read as the event is parked on referrals.dlq as it came
                .ExtendConsumerConfiguration(consumer => consumer.GroupId = MessagingSetup.ConsumerGroup(Topics.CacheInvalidate));
            // Every holder gets it from Kafka; this service's own Redis entry is dropped right after the commit
            // through a local queue, so a reader sees the new state in milliseconds, not a Kafka round trip later.
            options.PublishMessage<CacheInvalidate>().ToKafkaTopic(Topics.CacheInvalidate);
            options.PublishMessage<CacheInvalidate>().ToLocalQueue(InvalidationQueue);
        });
        return builder;
    }
}

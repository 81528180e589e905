using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Referrals.Service.Caching;

/// <summary>
/// `/ready`'s Redis entry: a PING through the <see cref="RedisBreaker"/>. Redis away is Degraded, not Unhealthy: the
/// service accepts and answers without it (README, Reliability), so an instance is not taken out of service for it.
/// While the breaker is open the check is its probe once the open time is over, so an idle instance closes its
/// breaker as soon as Redis answers again, not only when the next request happens to try.
/// </summary>
public sealed class RedisBreakerHealthCheck(RedisBreaker breaker, IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await breaker.RunAsync(() => redis.GetDatabase().PingAsync());
            return HealthCheckResult.Healthy("Redis answers; circuit breaker closed");
        }
        catch (RedisException e)
        {
            return HealthCheckResult.Degraded(breaker.IsOpen
                ? "Redis is skipped (circuit breaker open): caches bypassed, idempotency on Postgres, destructive calls refused"
                : $"Redis did not answer ({e.InnerException?.GetType().Name ?? e.GetType().Name})");
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Referrals.Service.Caching;

/// <summary>
/// `/ready` reports the breaker: unhealthy while it skips Redis. A check while it is open is also its probe (a PING
/// through it once the open time is over), so an idle instance closes its breaker as soon as Redis answers again,
/// not only when the next request happens to try.
/// </summary>
public sealed class RedisBreakerHealthCheck(RedisBreaker breaker, IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!breaker.IsOpen)
            return HealthCheckResult.Healthy("circuit breaker closed");
        try
        {
            await breaker.RunAsync(() => redis.GetDatabase().PingAsync());
            return HealthCheckResult.Healthy("circuit breaker closed by a probe");
        }
        catch (RedisException)
        {
            return HealthCheckResult.Unhealthy("circuit breaker open: Redis is skipped");
        }
    }
}

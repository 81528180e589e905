using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Reliability;

/// <summary>What the Redis outage tests share: waiting until the service uses Redis again, reading what Redis holds.</summary>
public static class RedisOutages
{
    /// <summary>
    /// Waits until the service's Redis circuit breaker closed again (`/ready` is Degraded while it is open, and a check
    /// then is its probe), so the next test does not meet destructive calls refused for an outage that is over.
    /// </summary>
    public static async Task UntilRedisIsUsedAgainAsync(this ReferralsApp app, CancellationToken ct)
    {
        using var http = app.CreateHttpClient();
        await Eventually.ReturnsAsync(async () =>
        {
            using var ready = await http.GetAsync("/ready", ct);
            return await ReadyBody.IsWhollyHealthyAsync(ready, ct);
        }, isReady => isReady, TimeSpan.FromSeconds(60), ct);
    }

    /// <summary>The status cache entry of a referral as Redis holds it (null when there is none).</summary>
    public static async Task<string?> CachedStatusAsync(this ReferralsApp app, Guid shop, Guid referralId)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        return await redis.GetDatabase().StringGetAsync($"referral:{shop}:{referralId}");
    }
}

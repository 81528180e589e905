using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;

namespace Referrals.Service.Webhooks;

/// <summary>
/// The limits in front of Shopify's webhooks: per client address (ASP.NET's rate limiter, policy
/// <see cref="PerIpPolicy"/>, `Webhooks:PerIpPerSecond`, 100) and per shop (<see cref="ShopWebhookRateLimit"/>, in Redis).
/// Both count refusals in `referrals_rate_limit_exceeded_total{scope}`.
/// </summary>
public static class WebhookRateLimits
{
    public const string PerIpPolicy = "webhooks-per-ip";

    public static WebApplicationBuilder AddWebhookRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShopWebhookRateLimit>();
        builder.Services.AddSingleton<RateLimitMetrics>();
        builder.AddServiceMeter(RateLimitMetrics.MeterName);
        builder.Services.AddRateLimiter(limiter =>
        {
            var perIp = builder.Configuration.GetValue("Webhooks:PerIpPerSecond", 100);
            limiter.AddPolicy(PerIpPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perIp, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
            limiter.OnRejected = async (rejected, ct) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<RateLimitMetrics>().Exceeded("ip");
                rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await TypedResults.Problem("more than the allowed webhooks per second from this address; retry later",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "rate_limited").ExecuteAsync(rejected.HttpContext);
            };
        });
        return builder;
    }
}

/// <summary>`referrals_rate_limit_exceeded_total{scope="ip"|"shop"}` (the seed's name).</summary>
public sealed class RateLimitMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.RateLimits";

    private readonly Counter<long> _exceeded = meters.Create(MeterName).CreateCounter<long>("referrals_rate_limit_exceeded",
        description: "Webhooks refused by the per-shop or per-IP rate limit");

    public void Exceeded(string scope) => _exceeded.Add(1, new KeyValuePair<string, object?>("scope", scope));
}

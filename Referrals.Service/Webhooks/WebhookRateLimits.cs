using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using System.Diagnostics.Metrics;

namespace Referrals.Service.Webhooks;

/// <summary>
/// The limits in front of the public routes, per client address (ASP.NET's rate limiter): Shopify's webhooks,
/// policy <see cref="PerIpPolicy"/> (`Webhooks:PerIpPerSecond`, 100), and the admin REST routes, policy
/// <see cref="AdminPolicy"/> (`Admin:PerIpPerSecond`, 20); the webhooks also per shop (<see cref="ShopWebhookRateLimit"/>,
/// in Redis). Refusals count in `referrals_rate_limit_exceeded_total{scope}`.
/// The client address is the connection's, unless the connection comes from a configured proxy
/// (`ForwardedHeaders:KnownProxies`, `ForwardedHeaders:KnownNetworks`): then it is the nearest X-Forwarded-For entry
/// that is not itself a known proxy. An X-Forwarded-For from anywhere else is ignored, so a caller cannot pick a
/// fresh partition per request. ASP.NET's default (loopback is a known proxy) is cleared: only configuration counts.
/// </summary>
public static class WebhookRateLimits
{
    public const string PerIpPolicy = "webhooks-per-ip";
    public const string AdminPolicy = "admin-per-ip";

    public static WebApplicationBuilder AddWebhookRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShopWebhookRateLimit>();
        builder.Services.AddSingleton<RateLimitMetrics>();
        builder.AddServiceMeter(RateLimitMetrics.MeterName);
        builder.Services.Configure<ForwardedHeadersOptions>(options => KnownProxies(options, builder.Configuration));
        builder.Services.AddTransient<IStartupFilter, ClientAddressFirst>();
        builder.Services.AddRateLimiter(limiter =>
        {
            var perIp = builder.Configuration.GetValue("Webhooks:PerIpPerSecond", 100);
            var adminPerIp = builder.Configuration.GetValue("Admin:PerIpPerSecond", 20);
            limiter.AddPolicy(PerIpPolicy, context => PerSecond(context, perIp));
            limiter.AddPolicy(AdminPolicy, context => PerSecond(context, adminPerIp));
            limiter.OnRejected = async (rejected, ct) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<RateLimitMetrics>().Exceeded("ip");
                rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await TypedResults.Problem("more than the allowed requests per second from this address; retry later",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "rate_limited").ExecuteAsync(rejected.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>Only the configured proxies and networks are trusted to say who the client is.</summary>
    public static void KnownProxies(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardLimit = null; // walk back through every known proxy, stop at the first address that is not one
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        // With both lists empty the middleware would trust every sender: then nothing is forwarded at all.
        options.ForwardedHeaders = options.KnownProxies.Count + options.KnownIPNetworks.Count > 0
            ? ForwardedHeaders.XForwardedFor
            : ForwardedHeaders.None;
    }

    private static RateLimitPartition<string> PerSecond(HttpContext context, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 });

    /// <summary>The client address is settled before anything else in the pipeline reads it.</summary>
    private sealed class ClientAddressFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            next(app);
        };
    }
}

/// <summary>`referrals_rate_limit_exceeded_total{scope="ip"|"shop"}` (the seed's name).</summary>
public sealed class RateLimitMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.RateLimits";

    private readonly Counter<long> _exceeded = meters.Create(MeterName).CreateCounter<long>("referrals_rate_limit_exceeded",
        description: "Requests refused by the per-shop or per-IP rate limit");

    public void Exceeded(string scope) => _exceeded.Add(1, new KeyValuePair<string, object?>("scope", scope));
}

using System.Threading.RateLimiting;
using Referrals.Service.Infrastructure;
using Wolverine;
using Wolverine.Kafka;

namespace Referrals.Service.Features.Conversions;

public static class ConversionsModule
{
    public const string Queue = "conversions";

    public static WebApplicationBuilder AddConversions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShopWebhookRateLimit>();
        builder.Services.AddRateLimiter(limiter =>
        {
            var perIp = builder.Configuration.GetValue("Webhooks:PerIpPerSecond", 100);
            limiter.AddPolicy(ReceiveOrderWebhook.PerIpPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perIp, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
            limiter.OnRejected = async (rejected, ct) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<ReferralsMetrics>().RateLimitExceeded("ip");
                rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await TypedResults.Problem("more than the allowed webhooks per second from this address; retry later",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "rate_limited").ExecuteAsync(rejected.HttpContext);
            };
        });

        builder.Services.ConfigureWolverine(options =>
        {
            options.PublishMessage<ReferralCompleted>().ToKafkaTopic(Topics.ReferralCompleted);
            options.PublishMessage<ConvertOrder>().ToLocalQueue(Queue).UseDurableInbox();
            // A conversion mostly waits on Core and Postgres, not on the CPU: many may wait at once.
            options.LocalQueue(Queue).MaximumParallelMessages(builder.Configuration.GetValue("Conversions:Parallelism", 16));

        });
        return builder;
    }

    public static WebApplication MapConversions(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}

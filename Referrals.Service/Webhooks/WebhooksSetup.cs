namespace Referrals.Service.Webhooks;

public static class WebhooksSetup
{
    /// <summary>
    /// The door of Shopify's webhooks: the app's client secrets (a configuration without one refuses to start), the
    /// replay window, admission (id, freshness, per-shop limit, dedupe), the per-IP limits and their metrics.
    /// </summary>
    public static WebApplicationBuilder AddShopifyWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(ShopifyAppSecrets.From(builder.Configuration));
        builder.Services.AddSingleton(WebhookReplayWindow.From(builder.Configuration));
        builder.Services.AddSingleton<WebhookAdmission>();
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.AddServiceMeter(WebhookMetrics.MeterName);
        return builder.AddWebhookRateLimits();
    }

    /// <summary>After routing (a route's metadata says whether it is a webhook), before the endpoints.</summary>
    public static IApplicationBuilder UseWebhookAcceptDeadline(this IApplicationBuilder app) =>
        app.UseMiddleware<WebhookAcceptDeadline>();
}

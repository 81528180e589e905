using FastEndpoints;
using Marten;
using JasperFx;
using Referrals.Service.Idempotency;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Observability;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// Shopify's orders/create webhook. In order: size (413) and signature and shop (401), both by
/// <see cref="VerifyShopifyWebhook"/>; then JSON (400), per-shop rate limit (429), duplicate (200, nothing changes),
/// then accept: the webhook is recorded and its <see cref="ConvertOrder"/> queued durably in one transaction, and
/// Shopify gets its 200 at once. A 429 or 5xx is safe: Shopify delivers again later.
/// </summary>
public sealed class ReceiveOrderWebhook(
    ShopWebhookRateLimit rateLimit,
    RecentEvents recentEvents,
    IDocumentStore store,
    IMartenOutbox outbox,
    ErrorMetrics errors,
    RateLimitMetrics rateLimits,
    TimeProvider clock) : EndpointWithoutRequest
{
    public const string Route = "/orders/create";
    public const int MaxBodyBytes = 256 * 1024;

    public override void Configure()
    {
        Post(Route);
        AllowAnonymous(); // Shopify signs the body; there is no token
        Options(route => route.RequireRateLimiting(WebhookRateLimits.PerIpPolicy));
        PreProcessors(new VerifyShopifyWebhook(MaxBodyBytes));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var headers = HttpContext.Request.Headers;
        var (shop, body) = HttpContext.VerifiedShopifyWebhook();
        var (order, problem) = ShopifyOrder.Parse(body);
        if (order is null)
        {
            await Refuse(StatusCodes.Status400BadRequest, "malformed_payload", problem!, ct);
            return;
        }

        string? webhookId = headers["X-Shopify-Webhook-Id"];
        if (string.IsNullOrWhiteSpace(webhookId) || webhookId.Length > 128)
        {
            await Refuse(StatusCodes.Status400BadRequest, "missing_webhook_id", "X-Shopify-Webhook-Id is required (at most 128 characters)", ct);
            return;
        }

        if (await rateLimit.TryAcquireAsync(shop.Id) is { } retryAfter)
        {
            rateLimits.Exceeded("shop");
            HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Refuse(StatusCodes.Status429TooManyRequests, "rate_limited", "more than the shop's webhooks per second; retry later", ct);
            return;
        }

        if (await recentEvents.WasSeenAsync(shop.Id, webhookId) || !await AcceptAsync(shop, webhookId, order, ct))
        {
            await Send.OkAsync(cancellation: ct); // a duplicate delivery: already accepted, nothing changes
            return;
        }

        await recentEvents.RememberAsync(shop.Id, webhookId);
        await Send.OkAsync(cancellation: ct);
    }

    /// <summary>False when the webhook was accepted before (the processed_events row already exists).</summary>
    private async Task<bool> AcceptAsync(Shop shop, string webhookId, ShopifyOrder order, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(shop.Id.ToString());
        outbox.Enroll(session);
        session.Insert(new ProcessedEvent(webhookId, ConvertOrder.EventType, ProcessingState.Accepted, null, now, null));
        await outbox.SendAsync(order.ToConvertOrder(shop.Id, webhookId, now), WebhookDelivery.Options(shop, HttpContext.Request.Headers));
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (DocumentAlreadyExistsException)
        {
            return false;
        }
    }

    private async Task Refuse(int status, string errorType, string detail, CancellationToken ct)
    {
        errors.Count(errorType);
        await Send.ResultAsync(WebhookProblem.For(status, errorType, detail));
    }
}

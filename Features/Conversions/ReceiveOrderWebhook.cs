using FastEndpoints;
using Referrals.Service.Webhooks;
using Referrals.Service.Features.Program;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// Shopify's orders/create webhook. In order: size (413) and signature and registered shop (401), an inactive shop
/// (200, ignored), all by <see cref="VerifyShopifyWebhook"/>; then JSON (400); then <see cref="AcceptShopifyWebhook"/>: webhook id (400),
/// per-shop rate limit (429) and duplicate webhook id (200, nothing changes); then accept: the webhook
/// and its order are recorded and its <see cref="ConvertOrder"/> queued durably in one transaction, and Shopify gets
/// its 200 at once. An order already accepted under another webhook id (a second subscription, a redelivery with a
/// new id) is a duplicate too: a conversion happens once per (shop, order id). A 429 or 5xx is safe: Shopify
/// delivers again later.
/// </summary>
public sealed class ReceiveOrderWebhook(AcceptShopifyWebhook accept, BrowserFingerprints fingerprints) : EndpointWithoutRequest
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

    /// <summary>The processed_events id that stands for an order of the shop, whichever webhook brought it.</summary>
    public static string OrderKey(long orderId) => $"order:{orderId}";

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body) = HttpContext.VerifiedShopifyWebhook();
        var (order, problem) = ShopifyOrder.Parse(body);
        await Send.ResultAsync(order is null
            ? accept.Malformed(problem!)
            : await accept.AdmitAndAcceptAsync(HttpContext, shop, OrderKey(order.Id!.Value), ConvertOrder.EventType,
                WebhookDelivery.OriginalTopic, (webhookId, now) => order.ToConvertOrder(shop.Id, webhookId, now, fingerprints), ct));
    }
}

using FastEndpoints;
using Marten;
using Referrals.Service.Idempotency;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Wolverine.Marten;
using Referrals.Service.Observability;
using Referrals.Service.Features.Program;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// Shopify's orders/create webhook. In order: size (413) and signature and registered shop (401), an inactive shop
/// (200, ignored), all by <see cref="VerifyShopifyWebhook"/>; then JSON (400); webhook id (400), per-shop rate limit
/// (429) and duplicate webhook id (200, nothing changes), by <see cref="WebhookAdmission"/>; then accept: the webhook
/// and its order are recorded and its <see cref="ConvertOrder"/> queued durably in one transaction, and Shopify gets
/// its 200 at once. An order already accepted under another webhook id (a second subscription, a redelivery with a
/// new id) is a duplicate too: a conversion happens once per (shop, order id). A 429 or 5xx is safe: Shopify
/// delivers again later.
/// </summary>
public sealed class ReceiveOrderWebhook(
    WebhookAdmission admission,
    IDocumentStore store,
    IMartenOutbox outbox,
    ErrorMetrics errors,
    BrowserFingerprints fingerprints,
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

    /// <summary>The processed_events id that stands for an order of the shop, whichever webhook brought it.</summary>
    public static string OrderKey(long orderId) => $"order:{orderId}";

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body) = HttpContext.VerifiedShopifyWebhook();
        var (order, problem) = ShopifyOrder.Parse(body);
        if (order is null)
        {
            errors.Count("malformed_payload");
            await Send.ResultAsync(WebhookProblem.For(StatusCodes.Status400BadRequest, "malformed_payload", problem!));
            return;
        }

        var (webhookId, answer) = await admission.AdmitAsync(HttpContext, shop, requireFresh: false);
        if (answer is not null)
        {
            await Send.ResultAsync(answer);
            return;
        }

        // False for a duplicate (of the webhook or of the order): already accepted, nothing changes.
        await AcceptAsync(shop, webhookId!, order, ct);
        await Send.OkAsync(cancellation: ct);
    }

    private async Task<bool> AcceptAsync(Shop shop, string webhookId, ShopifyOrder order, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(shop.Id.ToString());
        outbox.Enroll(session);
        session.Insert(new ProcessedEvent(webhookId, ConvertOrder.EventType, ProcessingState.Accepted, null, now, null));
        session.Insert(admission.Receipt(OrderKey(order.Id!.Value), ConvertOrder.EventType));
        await outbox.SendAsync(order.ToConvertOrder(shop.Id, webhookId, now, fingerprints), WebhookDelivery.Options(shop, HttpContext.Request.Headers));
        return await admission.SaveOnceAsync(session, shop, webhookId, ct);
    }
}

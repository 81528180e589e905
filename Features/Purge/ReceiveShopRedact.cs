using FastEndpoints;
using Marten;
using Referrals.Service.Webhooks;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Shopify shop/redact: everything this service holds of the shop is erased, durably (<see cref="RedactShop"/>, queued
/// in the transaction that records the webhook).
/// </summary>
public sealed class ReceiveShopRedact(WebhookAdmission admission, IDocumentStore store, IMartenOutbox outbox,
    ILogger<ReceiveShopRedact> logger) : EndpointWithoutRequest
{
    public const string Topic = "shop/redact";

    public override void Configure()
    {
        Post("/shop/redact");
        AllowAnonymous(); // Shopify signs the body; there is no token
        Options(route => route.RequireRateLimiting(WebhookRateLimits.PerIpPolicy));
        PreProcessors(ShopifyPrivacyWebhook.Verification);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        // The body is unused, but a malformed one gets the 400 of the other privacy webhooks.
        var (shop, _, webhookId, answer) = await ShopifyPrivacyWebhook.AdmitAsync(HttpContext, admission);
        if (answer is not null)
        {
            await Send.ResultAsync(answer);
            return;
        }

        await using var session = store.LightweightSession(shop.Id.ToString());
        outbox.Enroll(session);
        session.Insert(admission.Receipt(webhookId!, Topic));
        await outbox.SendAsync(new RedactShop(shop.Id), new DeliveryOptions { TenantId = shop.Id.ToString() });
        if (await admission.SaveOnceAsync(session, shop, webhookId!, ct))
            logger.LogInformation("Accepted a shop/redact for shop {ShopId}", shop.Id);
        await Send.OkAsync(cancellation: ct);
    }
}

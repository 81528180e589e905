using FastEndpoints;
using Marten;
using Referrals.Service.Webhooks;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Clients;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Shopify customers/redact: the customer's identity is removed from this shop's data, durably (<see cref="RedactCustomer"/>,
/// queued in the transaction that records the webhook, so a redelivery redacts nothing twice).
/// </summary>
public sealed class ReceiveCustomerRedact(WebhookAdmission admission, CoreCustomers core, IDocumentStore store, IMartenOutbox outbox,
    ILogger<ReceiveCustomerRedact> logger) : EndpointWithoutRequest
{
    public const string Topic = "customers/redact";

    public override void Configure()
    {
        Post("/customers/redact");
        AllowAnonymous(); // Shopify signs the body; there is no token
        Options(route => route.RequireRateLimiting(WebhookRateLimits.PerIpPolicy));
        PreProcessors(ShopifyPrivacyWebhook.Verification);
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body, webhookId, answer) = await ShopifyPrivacyWebhook.AdmitAsync(HttpContext, admission);
        if (answer is not null)
        {
            await Send.ResultAsync(answer);
            return;
        }
        var (customerId, refusal) = await ShopifyPrivacyWebhook.CustomerOfAsync(shop, body!, core, ct);
        if (refusal is not null)
        {
            await Send.ResultAsync(refusal);
            return;
        }

        await using var session = store.LightweightSession(shop.Id.ToString());
        outbox.Enroll(session);
        session.Insert(admission.Receipt(webhookId!, Topic));
        if (customerId is { } id) // a customer Core does not know has no data here
            await outbox.SendAsync(new RedactCustomer(shop.Id, id, body!.OrdersToRedact), new DeliveryOptions { TenantId = shop.Id.ToString() });
        if (await admission.SaveOnceAsync(session, shop, webhookId!, ct))
            logger.LogInformation("Accepted a customers/redact for shop {ShopId} (known customer: {Known})", shop.Id, customerId is not null);
        await Send.OkAsync(cancellation: ct);
    }
}

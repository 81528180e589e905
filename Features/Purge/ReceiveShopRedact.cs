using FastEndpoints;
using Referrals.Service.Webhooks;
using Wolverine;

namespace Referrals.Service.Features.Purge;

/// <summary>Shopify shop/redact: everything this service holds of the shop is erased, durably (<see cref="RedactShop"/>).</summary>
public sealed class ReceiveShopRedact(IMessageBus bus, ILogger<ReceiveShopRedact> logger) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/shop/redact");
        AllowAnonymous(); // Shopify signs the body; there is no token
        PreProcessors(new VerifyShopifyWebhook(ShopifyPrivacyWebhook.MaxBodyBytes));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, raw) = HttpContext.VerifiedShopifyWebhook();
        if (ShopifyPrivacyWebhook.Parse(raw) is null) // unused, but a malformed body gets the 400 of the other privacy webhooks
        {
            await Send.ResultAsync(ShopifyPrivacyWebhook.MalformedPayload);
            return;
        }

        await bus.SendAsync(new RedactShop(shop.Id), new DeliveryOptions { TenantId = shop.Id.ToString() });
        logger.LogInformation("Accepted a shop/redact for shop {ShopId}", shop.Id);
        await Send.OkAsync(cancellation: ct);
    }
}

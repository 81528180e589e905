using FastEndpoints;
using Referrals.Service.Tenancy;
using Wolverine;

namespace Referrals.Service.Features.Purge;

/// <summary>Shopify shop/redact: everything this service holds of the shop is erased, durably (<see cref="RedactShop"/>).</summary>
public sealed class ReceiveShopRedact(ShopDirectory shops, IMessageBus bus, ILogger<ReceiveShopRedact> logger) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/shop/redact");
        AllowAnonymous(); // Shopify signs the body; there is no token
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, _, refusal) = await ShopifyPrivacyWebhook.VerifyAsync(HttpContext, shops, ct);
        if (refusal is not null)
        {
            await Send.ResultAsync(refusal);
            return;
        }

        await bus.SendAsync(new RedactShop(shop!.Id), new DeliveryOptions { TenantId = shop.Id.ToString() });
        logger.LogInformation("Accepted a shop/redact for shop {ShopId}", shop.Id);
        await Send.OkAsync(cancellation: ct);
    }
}

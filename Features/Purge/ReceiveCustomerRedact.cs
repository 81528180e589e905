using FastEndpoints;
using Referrals.Service.Webhooks;
using Wolverine;
using Referrals.Service.Clients;

namespace Referrals.Service.Features.Purge;

/// <summary>Shopify customers/redact: the customer's identity is removed from this shop's data, durably (<see cref="RedactCustomer"/>).</summary>
public sealed class ReceiveCustomerRedact(CoreCustomers core, IMessageBus bus, ILogger<ReceiveCustomerRedact> logger)
    : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/customers/redact");
        AllowAnonymous(); // Shopify signs the body; there is no token
        PreProcessors(new VerifyShopifyWebhook(ShopifyPrivacyWebhook.MaxBodyBytes));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, customerId, refusal) = await ShopifyPrivacyWebhook.CustomerOfAsync(HttpContext, core, ct);
        if (refusal is not null)
        {
            await Send.ResultAsync(refusal);
            return;
        }

        if (customerId is { } id) // a customer Core does not know has no data here
            await bus.SendAsync(new RedactCustomer(shop.Id, id), new DeliveryOptions { TenantId = shop.Id.ToString() });
        logger.LogInformation("Accepted a customers/redact for shop {ShopId} (known customer: {Known})", shop.Id, customerId is not null);
        await Send.OkAsync(cancellation: ct);
    }
}

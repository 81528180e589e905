using FastEndpoints;
using Referrals.Service.Infrastructure;
using Referrals.Service.Tenancy;
using Wolverine;

namespace Referrals.Service.Features.Purge;

/// <summary>Shopify customers/redact: the customer's identity is removed from this shop's data, durably (<see cref="RedactCustomer"/>).</summary>
public sealed class ReceiveCustomerRedact(ShopDirectory shops, CoreCustomers core, IMessageBus bus, ILogger<ReceiveCustomerRedact> logger)
    : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/customers/redact");
        AllowAnonymous(); // Shopify signs the body; there is no token
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body, refusal) = await ShopifyPrivacyWebhook.VerifyAsync(HttpContext, shops, ct);
        if (refusal is not null)
        {
            await Send.ResultAsync(refusal);
            return;
        }

        Guid? customerId;
        try
        {
            customerId = body!.Customer?.Id is { } shopifyId ? await core.FindByShopifyIdAsync(shop!.Id, shopifyId, ct) : null;
        }
        catch (CoreUnavailableException)
        {
            await Send.ResultAsync(ShopifyPrivacyWebhook.Problem(StatusCodes.Status503ServiceUnavailable, "core_unavailable",
                "the customer cannot be identified right now; Shopify delivers again later"));
            return;
        }

        if (customerId is { } id) // a customer Core does not know has no data here
            await bus.SendAsync(new RedactCustomer(shop!.Id, id), new DeliveryOptions { TenantId = shop.Id.ToString() });
        logger.LogInformation("Accepted a customers/redact for shop {ShopId} (known customer: {Known})", shop!.Id, customerId is not null);
        await Send.OkAsync(cancellation: ct);
    }
}

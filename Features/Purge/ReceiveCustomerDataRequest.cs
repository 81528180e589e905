using FastEndpoints;
using Marten;
using Referrals.Service.Webhooks;
using Referrals.Service.Clients;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Purge;

public sealed record CustomerDataView(Guid ShopId, Guid? CustomerId, IReadOnlyList<CustomerReferralView> Referrals);

public sealed record CustomerReferralView(Guid ReferralId, string ReferralLinkId, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Shopify customers/data_request: answers what this service holds about the customer, as ids and statuses only
/// (their referrals as referrer). A customer Core does not know holds nothing here.
/// </summary>
public sealed class ReceiveCustomerDataRequest(CoreCustomers core, IDocumentStore store,
    ILogger<ReceiveCustomerDataRequest> logger) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/customers/data_request");
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

        IReadOnlyList<Referral> referrals = [];
        if (customerId is { } id)
        {
            await using var session = store.QuerySession(shop.Id.ToString());
            referrals = await ReferralQueries.OfCustomerAsync(session, id, ct);
        }

        logger.LogInformation("Answered a customers/data_request for shop {ShopId}: {ReferralCount} referral(s)", shop.Id, referrals.Count);
        await Send.ResultAsync(TypedResults.Json(new CustomerDataView(shop.Id, customerId,
            [.. referrals.Select(r => new CustomerReferralView(r.Id, r.ReferralLinkId, r.Status.Wire(), r.CreatedAt, r.UpdatedAt))]),
            WireJson.Options));
    }
}

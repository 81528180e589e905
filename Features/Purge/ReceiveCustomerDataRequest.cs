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
/// (their referrals as referrer). A customer Core does not know holds nothing here. Answered once per webhook id: a
/// redelivery gets 200 without the data again.
/// </summary>
public sealed class ReceiveCustomerDataRequest(WebhookAdmission admission, CoreCustomers core, IDocumentStore store,
    ILogger<ReceiveCustomerDataRequest> logger) : EndpointWithoutRequest
{
    public const string Topic = "customers/data_request";

    public override void Configure()
    {
        Post("/customers/data_request");
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
        session.Insert(admission.Receipt(webhookId!, Topic));
        if (!await admission.SaveOnceAsync(session, shop, webhookId!, ct))
        {
            await Send.OkAsync(cancellation: ct);
            return;
        }

        IReadOnlyList<Referral> referrals = customerId is { } id ? await ReferralQueries.OfCustomerAsync(session, id, ct) : [];
        logger.LogInformation("Answered a customers/data_request for shop {ShopId}: {ReferralCount} referral(s)", shop.Id, referrals.Count);
        await Send.ResultAsync(TypedResults.Json(new CustomerDataView(shop.Id, customerId,
            [.. referrals.Select(r => new CustomerReferralView(r.Id, r.ReferralLinkId, r.Status.Wire(), r.CreatedAt, r.UpdatedAt))]),
            WireJson.Options));
    }
}

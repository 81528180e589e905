using System.Text.Json;
using System.Text.Json.Serialization;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Referrals.Service.Clients;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Shopify's mandatory privacy webhooks, verified like orders/create by <see cref="VerifyShopifyWebhook"/>. Only the
/// customer's Shopify id is read from the body; its email and phone are never bound, stored or logged.
/// </summary>
public static class ShopifyPrivacyWebhook
{
    public const int MaxBodyBytes = 64 * 1024;

    public sealed record Body([property: JsonPropertyName("customer")] Customer? Customer);

    public sealed record Customer([property: JsonPropertyName("id")] long? Id);

    public static IResult MalformedPayload =>
        WebhookProblem.For(StatusCodes.Status400BadRequest, "malformed_payload", "the body is not a Shopify privacy webhook");

    /// <summary>The verified raw body read as a privacy webhook, or null when it is not JSON of that shape.</summary>
    public static Body? Parse(byte[] raw)
    {
        try
        {
            return JsonSerializer.Deserialize<Body>(raw) ?? new Body(null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The verified webhook's shop and the platform id of the customer it names (null when it names none, or Core does
    /// not know them), or the answer to give instead: 400 for a body that is not a privacy webhook, 503 while Core
    /// cannot say (Shopify delivers the webhook again later).
    /// </summary>
    public static async Task<(Shop Shop, Guid? CustomerId, IResult? Refusal)> CustomerOfAsync(HttpContext http, CoreCustomers core,
        CancellationToken ct)
    {
        var (shop, raw) = http.VerifiedShopifyWebhook();
        if (Parse(raw) is not { } body)
            return (shop, null, MalformedPayload);
        try
        {
            return (shop, body.Customer?.Id is { } shopifyId ? await core.FindByShopifyIdAsync(shop.Id, shopifyId, ct) : null, null);
        }
        catch (CoreUnavailableException)
        {
            return (shop, null, WebhookProblem.For(StatusCodes.Status503ServiceUnavailable, "core_unavailable",
                "the customer cannot be identified right now; Shopify delivers again later"));
        }
    }
}

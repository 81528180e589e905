using System.Text.Json;
using System.Text.Json.Serialization;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Referrals.Service.Clients;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Shopify's mandatory privacy webhooks, verified like orders/create by <see cref="VerifyShopifyWebhook"/>, but served
/// for an inactive shop too: Shopify sends shop/redact 48 hours after the app is uninstalled. Then, in order: a body of
/// that shape (400), and <see cref="WebhookAdmission"/> with a fresh X-Shopify-Triggered-At (400 <c>stale_webhook</c>
/// for a replayed capture), the per-shop limit (429) and dedupe by webhook id (200, nothing happens again). Only the
/// customer's Shopify id (and, for a redaction, the ids of the orders to redact) is read from the body; its email and phone are never bound, stored or logged.
/// </summary>
public static class ShopifyPrivacyWebhook
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <param name="OrdersToRedact">customers/redact: the customer's orders Shopify asks to redact (ids only).</param>
    public sealed record Body([property: JsonPropertyName("customer")] Customer? Customer,
        [property: JsonPropertyName("orders_to_redact")] IReadOnlyList<long>? OrdersToRedact = null);

    public sealed record Customer([property: JsonPropertyName("id")] long? Id);

    /// <summary>A verified, admitted privacy webhook, or the answer it gets instead.</summary>
    public sealed record Admitted(Shop Shop, Body? Body, string? WebhookId, IResult? Answer);

    public static IResult MalformedPayload =>
        WebhookProblem.For(StatusCodes.Status400BadRequest, "malformed_payload", "the body is not a Shopify privacy webhook");

    public static VerifyShopifyWebhook Verification => new(MaxBodyBytes, ignoreInactiveShop: false);

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

    public static async Task<Admitted> AdmitAsync(HttpContext http, WebhookAdmission admission)
    {
        var (shop, raw) = http.VerifiedShopifyWebhook();
        if (Parse(raw) is not { } body)
        {
            http.RequestServices.GetRequiredService<Observability.ErrorMetrics>().Count("malformed_payload");
            return new Admitted(shop, null, null, MalformedPayload);
        }
        var (webhookId, answer) = await admission.AdmitAsync(http, shop, requireFresh: true);
        return new Admitted(shop, body, webhookId, answer);
    }

    /// <summary>
    /// The platform id of the customer the webhook names (null when it names none, or Core does not know them), or the
    /// answer to give instead: 503 while Core cannot say (Shopify delivers the webhook again later).
    /// </summary>
    public static async Task<(Guid? CustomerId, IResult? Refusal)> CustomerOfAsync(Shop shop, Body body, CoreCustomers core,
        CancellationToken ct)
    {
        try
        {
            return (body.Customer?.Id is { } shopifyId ? await core.FindByShopifyIdAsync(shop.Id, shopifyId, ct) : null, null);
        }
        catch (CoreUnavailableException)
        {
            return (null, WebhookProblem.For(StatusCodes.Status503ServiceUnavailable, "core_unavailable",
                "the customer cannot be identified right now; Shopify delivers again later"));
        }
    }
}

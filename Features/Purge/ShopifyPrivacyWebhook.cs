using System.Text.Json;
using System.Text.Json.Serialization;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Purge;

/// <summary>
/// Shopify's mandatory privacy webhooks, verified like orders/create: the raw body's HMAC-SHA256 against the
/// webhook secret of the shop named by X-Shopify-Shop-Domain. Only the customer's Shopify id is read from the
/// body; its email and phone are never bound, stored or logged.
/// </summary>
public static class ShopifyPrivacyWebhook
{
    public const int MaxBodyBytes = 64 * 1024;

    public sealed record Body([property: JsonPropertyName("customer")] Customer? Customer);

    public sealed record Customer([property: JsonPropertyName("id")] long? Id);

    /// <summary>The verified shop and body, or the problem to answer (401 for any signature or shop doubt).</summary>
    public static async Task<(Shop? Shop, Body? Body, IResult? Refusal)> VerifyAsync(HttpContext http, ShopDirectory shops, CancellationToken ct)
    {
        var raw = await WebhookBody.ReadAsync(http.Request, MaxBodyBytes, ct);
        if (raw is null)
            return (null, null, Problem(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"the body is larger than {MaxBodyBytes} bytes"));

        var shop = await shops.FindByDomainAsync(http.Request.Headers["X-Shopify-Shop-Domain"], ct);
        if (shop is null || !ShopifyWebhookSignature.IsValid(raw, shop.WebhookSecret, http.Request.Headers[ShopifyWebhookSignature.Header]))
            return (null, null, Problem(StatusCodes.Status401Unauthorized, "invalid_signature",
                "the X-Shopify-Hmac-Sha256 signature does not match a known shop's webhook secret"));

        try
        {
            return (shop, JsonSerializer.Deserialize<Body>(raw) ?? new Body(null), null);
        }
        catch (JsonException)
        {
            return (null, null, Problem(StatusCodes.Status400BadRequest, "malformed_payload", "the body is not a Shopify privacy webhook"));
        }
    }

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"https://referrals.dev/problems/{title}");
}

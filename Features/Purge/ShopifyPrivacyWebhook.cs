using System.Text.Json;
using System.Text.Json.Serialization;
using Referrals.Service.Webhooks;

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
}

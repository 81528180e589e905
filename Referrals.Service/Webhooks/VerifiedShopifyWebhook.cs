using Referrals.Service.Tenancy;

namespace Referrals.Service.Webhooks;

/// <summary>A webhook that passed <see cref="VerifyShopifyWebhook"/>: its shop and the exact bytes that shop signed.</summary>
public sealed record VerifiedShopifyWebhook(Shop Shop, byte[] Body);

public static class VerifiedShopifyWebhookExtensions
{
    private static readonly object Key = new();

    /// <summary>The webhook that <see cref="VerifyShopifyWebhook"/> let through to this endpoint.</summary>
    public static VerifiedShopifyWebhook VerifiedShopifyWebhook(this HttpContext http) =>
        http.Items.TryGetValue(Key, out var item) && item is VerifiedShopifyWebhook verified
            ? verified
            : throw new InvalidOperationException(
                $"No verified Shopify webhook on this request: the endpoint must configure PreProcessors(new {nameof(VerifyShopifyWebhook)}(...)).");

    internal static void SetVerifiedShopifyWebhook(this HttpContext http, VerifiedShopifyWebhook verified) => http.Items[Key] = verified;
}

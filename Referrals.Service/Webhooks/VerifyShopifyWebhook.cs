using FastEndpoints;
using Referrals.Service.Tenancy;
using Referrals.Service.Observability;

namespace Referrals.Service.Webhooks;

/// <summary>
/// Lets a Shopify webhook reach its endpoint only when it is what it claims to be, checked in this order: the raw
/// body within <paramref name="maxBodyBytes"/> (else 413 <c>payload_too_large</c>), then the body's
/// <see cref="ShopifyWebhookSignature"/> under one of the app's client secrets (<see cref="ShopifyAppSecrets"/>) and
/// the shop named by X-Shopify-Shop-Domain in the registry (else 401 <c>invalid_signature</c>). Each refusal counts
/// in <c>referrals_errors_total{error_type}</c>. With <paramref name="ignoreInactiveShop"/>, a webhook of a shop whose
/// app was uninstalled is answered 200 and goes no further (<c>referrals_webhooks_ignored_total{reason="inactive_shop"}</c>):
/// Shopify stops retrying, and nothing changes. The endpoint reads the shop and the raw body through
/// <see cref="VerifiedShopifyWebhookExtensions.VerifiedShopifyWebhook"/>.
/// </summary>
/// <remarks>
/// Only for endpoints without a request DTO: FastEndpoints binds a DTO from the body before pre-processors run,
/// and the signature is over the raw bytes.
/// </remarks>
/// <param name="maxBodyBytes">The endpoint's body size limit.</param>
/// <param name="ignoreInactiveShop">False for the privacy webhooks, which Shopify sends after an uninstall too.</param>
public sealed class VerifyShopifyWebhook(int maxBodyBytes, bool ignoreInactiveShop = true) : IPreProcessor<EmptyRequest>
{
    public const string ShopDomainHeader = "X-Shopify-Shop-Domain";

    public async Task PreProcessAsync(IPreProcessorContext<EmptyRequest> context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var body = await WebhookBody.ReadAsync(http.Request, maxBodyBytes, ct);
        if (body is null)
        {
            await RefuseAsync(http, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"the body is larger than {maxBodyBytes} bytes");
            return;
        }

        // The signature first: it needs no lookup, so a forgery never reaches the registry.
        var shop = http.Resolve<ShopifyAppSecrets>().SignatureMatches(body, http.Request.Headers[ShopifyWebhookSignature.Header])
            ? await http.Resolve<ShopDirectory>().FindByDomainAsync(http.Request.Headers[ShopDomainHeader], ct)
            : null;
        if (shop is null)
        {
            // One answer for an unknown shop and a bad signature: a forger learns nothing about which shops exist.
            await RefuseAsync(http, StatusCodes.Status401Unauthorized, "invalid_signature",
                "the X-Shopify-Hmac-Sha256 signature does not match the app's secret for a registered shop");
            return;
        }

        if (ignoreInactiveShop && !shop.Active)
        {
            http.Resolve<WebhookMetrics>().Ignored("inactive_shop");
            await http.Response.SendResultAsync(TypedResults.Ok());
            return;
        }

        http.SetVerifiedShopifyWebhook(new VerifiedShopifyWebhook(shop, body));
    }

    // A response sent here ends the request: FastEndpoints does not run the endpoint's handler after it.
    private static async Task RefuseAsync(HttpContext http, int status, string errorType, string detail)
    {
        http.Resolve<ErrorMetrics>().Count(errorType);
        await http.Response.SendResultAsync(WebhookProblem.For(status, errorType, detail));
    }
}

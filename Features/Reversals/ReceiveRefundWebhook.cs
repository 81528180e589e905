using FastEndpoints;
using Referrals.Service.Features.Conversions;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Reversals;

/// <summary>
/// Shopify's refunds/create webhook: verified, admitted and accepted like orders/create (<see cref="VerifyShopifyWebhook"/>,
/// <see cref="AcceptShopifyWebhook"/>); its <see cref="ReverseOrder"/> is queued durably. One acceptance per (shop,
/// refund id): another webhook id for the same refund is a duplicate (200, nothing changes).
/// </summary>
public sealed class ReceiveRefundWebhook(AcceptShopifyWebhook accept) : EndpointWithoutRequest
{
    public const string Route = "/refunds/create";

    public override void Configure()
    {
        Post(Route);
        AllowAnonymous(); // Shopify signs the body; there is no token
        Options(route => route.RequireRateLimiting(WebhookRateLimits.PerIpPolicy));
        PreProcessors(new VerifyShopifyWebhook(ReceiveOrderWebhook.MaxBodyBytes));
    }

    public static string RefundKey(long refundId) => $"refund:{refundId}";

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body) = HttpContext.VerifiedShopifyWebhook();
        var (reversal, problem) = ShopifyReversal.ParseRefund(body);
        await Send.ResultAsync(reversal is null
            ? accept.Malformed(problem!)
            : await accept.AdmitAndAcceptAsync(HttpContext, shop, RefundKey(reversal.RefundId!.Value), ReverseOrder.RefundEventType,
                "shopify:refunds/create", (webhookId, now) => reversal.ToReverseOrder(shop.Id, webhookId, now), ct));
    }
}

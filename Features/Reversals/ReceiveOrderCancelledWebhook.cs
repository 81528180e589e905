using FastEndpoints;
using Referrals.Service.Features.Conversions;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Features.Reversals;

/// <summary>
/// Shopify's orders/cancelled webhook: verified, admitted and accepted like orders/create (<see cref="VerifyShopifyWebhook"/>,
/// <see cref="AcceptShopifyWebhook"/>); its <see cref="ReverseOrder"/> is queued durably. One cancellation per
/// (shop, order): another webhook id for the same order's cancellation is a duplicate (200, nothing changes).
/// </summary>
public sealed class ReceiveOrderCancelledWebhook(AcceptShopifyWebhook accept) : EndpointWithoutRequest
{
    public const string Route = "/orders/cancelled";

    public override void Configure()
    {
        Post(Route);
        AllowAnonymous(); // Shopify signs the body; there is no token
        Options(route => route.RequireRateLimiting(WebhookRateLimits.PerIpPolicy));
        PreProcessors(new VerifyShopifyWebhook(ReceiveOrderWebhook.MaxBodyBytes));
    }

    public static string CancellationKey(long orderId) => $"cancel:{orderId}";

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body) = HttpContext.VerifiedShopifyWebhook();
        var (reversal, problem) = ShopifyReversal.ParseCancellation(body);
        await Send.ResultAsync(reversal is null
            ? accept.Malformed(problem!)
            : await accept.AdmitAndAcceptAsync(HttpContext, shop, CancellationKey(reversal.OrderId), ReverseOrder.CancelEventType,
                "shopify:orders/cancelled", (webhookId, now) => reversal.ToReverseOrder(shop.Id, webhookId, now), ct));
    }
}

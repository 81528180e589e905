using FastEndpoints;
using Marten;
using Referrals.Service.Observability;
using Referrals.Service.Webhooks;

namespace Referrals.Service.Tenancy;

/// <summary>
/// Shopify's app/uninstalled webhook, verified and admitted like the others (a fresh X-Shopify-Triggered-At too: a
/// replayed capture must not uninstall a shop that was re-activated). The shop becomes inactive: its later order
/// webhooks are answered 200 and ignored until an operator re-activates it through the registry. An inactive shop's
/// own app/uninstalled is ignored the same way.
/// </summary>
public sealed class ReceiveAppUninstalled(WebhookAdmission admission, IDocumentStore store, ShopDirectory directory, ErrorMetrics errors,
    TimeProvider clock, ILogger<ReceiveAppUninstalled> logger) : EndpointWithoutRequest
{
    public const string Route = "/app/uninstalled";
    public const string Topic = "app/uninstalled";
    public const int MaxBodyBytes = 64 * 1024;

    public override void Configure()
    {
        Post(Route);
        AllowAnonymous(); // Shopify signs the body; there is no token
        Options(route => route.RequireRateLimiting(WebhookRateLimits.PerIpPolicy));
        PreProcessors(new VerifyShopifyWebhook(MaxBodyBytes));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (shop, body) = HttpContext.VerifiedShopifyWebhook();
        if (!IsJsonObject(body))
        {
            errors.Count("malformed_payload");
            await Send.ResultAsync(WebhookProblem.For(StatusCodes.Status400BadRequest, "malformed_payload", "the body is not a Shopify shop"));
            return;
        }
        var (webhookId, answer) = await admission.AdmitAsync(HttpContext, shop, requireFresh: true);
        if (answer is not null)
        {
            await Send.ResultAsync(answer);
            return;
        }

        await using var session = store.LightweightSession(shop.Id.ToString());
        var current = await session.LoadAsync<Shop>(shop.Id, ct) ?? shop;
        session.Insert(admission.Receipt(webhookId!, Topic));
        session.Store(current with { Active = false, UpdatedAt = clock.GetUtcNow() });
        if (await admission.SaveOnceAsync(session, shop, webhookId!, ct))
        {
            directory.Forget(shop.Id, shop.Domain);
            logger.LogInformation("Shop {ShopId} uninstalled the app: inactive until re-activated", shop.Id);
        }
        await Send.OkAsync(cancellation: ct);
    }

    private static bool IsJsonObject(byte[] body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

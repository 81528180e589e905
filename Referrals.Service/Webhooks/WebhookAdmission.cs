using System.Globalization;
using System.Text.RegularExpressions;
using Marten;
using JasperFx;
using Referrals.Service.Idempotency;
using Referrals.Service.Observability;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Webhooks;

/// <summary>A verified webhook let in (its id), or the answer it gets instead (a refusal, or 200 for a duplicate).</summary>
public sealed record Admission(string? WebhookId, IResult? Answer);

/// <summary>
/// What a verified webhook passes before it acts, in order: an X-Shopify-Webhook-Id (400 <c>missing_webhook_id</c>),
/// when asked a fresh X-Shopify-Triggered-At (400 <c>stale_webhook</c>, <see cref="WebhookReplayWindow"/>), the
/// per-shop limit (429 <c>rate_limited</c>), and not a delivery seen before (Redis in front: 200, nothing changes).
/// The endpoint then records a <see cref="Receipt"/> in the transaction that acts, and <see cref="SaveOnceAsync"/>
/// tells whether it was the first (processed_events decides, Redis only saves a round trip).
/// </summary>
public sealed partial class WebhookAdmission(
    ShopWebhookRateLimit rateLimit,
    RecentEvents recentEvents,
    RateLimitMetrics rateLimits,
    ErrorMetrics errors,
    WebhookReplayWindow replayWindow,
    TimeProvider clock)
{
    public const string WebhookIdHeader = "X-Shopify-Webhook-Id";

    public async Task<Admission> AdmitAsync(HttpContext http, Shop shop, bool requireFresh)
    {
        var headers = http.Request.Headers;
        string? webhookId = headers[WebhookIdHeader];
        if (webhookId is null || !WebhookIdShape().IsMatch(webhookId))
            return Refuse(StatusCodes.Status400BadRequest, "missing_webhook_id",
                "X-Shopify-Webhook-Id is required: 1 to 128 letters, digits, '.', '_' or '-'");

        if (requireFresh && !replayWindow.IsFresh(headers[WebhookReplayWindow.Header], clock.GetUtcNow()))
            return Refuse(StatusCodes.Status400BadRequest, "stale_webhook",
                $"X-Shopify-Triggered-At must be an ISO 8601 time within the last {replayWindow.Window.TotalHours:0.##} h");

        // The limit and the dedupe memory in one Redis round trip.
        var (retryAfter, seen) = await rateLimit.TryAcquireAsync(shop.Id, RecentEvents.Key(shop.Id, webhookId));
        if (retryAfter is { } wait)
        {
            rateLimits.Exceeded("shop");
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Refuse(StatusCodes.Status429TooManyRequests, "rate_limited", "more than the shop's webhooks per second; retry later");
        }

        return seen ? new Admission(webhookId, TypedResults.Ok()) : new Admission(webhookId, null);
    }

    /// <summary>The processed_events row that marks a webhook as acted on (it expires with the dedupe memory).</summary>
    public ProcessedEvent Receipt(string webhookId, string topic)
    {
        var now = clock.GetUtcNow();
        return new ProcessedEvent(webhookId, topic, ProcessingState.Processed, "accepted", now, now);
    }

    /// <summary>Saves the acting transaction; false when a receipt in it already existed (a duplicate: nothing saved).</summary>
    public async Task<bool> SaveOnceAsync(IDocumentSession session, Shop shop, string webhookId, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsDuplicate(e))
        {
            return false;
        }
        await recentEvents.RememberAsync(shop.Id, webhookId);
        return true;
    }

    // Marten reports one existing receipt as itself, several (the webhook's and the order's) as an AggregateException.
    private static bool IsDuplicate(Exception e) =>
        e is DocumentAlreadyExistsException
        || (e is AggregateException all && all.InnerExceptions.All(inner => inner is DocumentAlreadyExistsException));

    private Admission Refuse(int status, string errorType, string detail)
    {
        errors.Count(errorType);
        return new Admission(null, WebhookProblem.For(status, errorType, detail));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex WebhookIdShape();
}

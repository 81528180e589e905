using Marten;
using Referrals.Service.Idempotency;
using Referrals.Service.Observability;
using Referrals.Service.Tenancy;
using Referrals.Service.Webhooks;
using Wolverine.Marten;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// What every order webhook (orders/create, orders/cancelled, refunds/create) does once its body was read: admission
/// by <see cref="WebhookAdmission"/> (webhook id 400, per-shop rate limit 429, duplicate webhook id 200), then accept:
/// the webhook's processed_events row, a receipt for what it is about (the order, the refund: a second webhook id for
/// the same thing is a duplicate too) and its message queued durably, in one transaction; 200 at once.
/// </summary>
public sealed class AcceptShopifyWebhook(
    WebhookAdmission admission,
    IDocumentStore store,
    IMartenOutbox outbox,
    ErrorMetrics errors,
    TimeProvider clock)
{
    /// <summary>The 400 of a body that is not what the topic sends (counted as malformed_payload).</summary>
    public IResult Malformed(string problem)
    {
        errors.Count("malformed_payload");
        return WebhookProblem.For(StatusCodes.Status400BadRequest, "malformed_payload", problem);
    }

    /// <summary>
    /// Admits and accepts the webhook: <paramref name="messageFor"/> builds its message from the admitted webhook id and
    /// the accept time; <paramref name="receiptKey"/> is the processed_events id of what it is about.
    /// </summary>
    public async Task<IResult> AdmitAndAcceptAsync<T>(HttpContext http, Shop shop, string receiptKey, string eventType,
        string originalTopic, Func<string, DateTimeOffset, T> messageFor, CancellationToken ct) where T : notnull
    {
        var (webhookId, answer) = await admission.AdmitAsync(http, shop, requireFresh: false);
        if (answer is not null)
            return answer;

        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(shop.Id.ToString());
        outbox.Enroll(session);
        session.Insert(new ProcessedEvent(webhookId!, eventType, ProcessingState.Accepted, null, now, null));
        session.Insert(admission.Receipt(receiptKey, eventType));
        await outbox.SendAsync(messageFor(webhookId!, now), WebhookDelivery.Options(shop, http.Request.Headers, originalTopic, eventType));
        // False for a duplicate (of the webhook or of what it is about): already accepted, nothing changes.
        await admission.SaveOnceAsync(session, shop, webhookId!, ct);
        return TypedResults.Ok();
    }
}

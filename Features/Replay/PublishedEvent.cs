using System.Text;
using Wolverine;
using Referrals.Service.Caching;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// `published_events`: the ledger of the events this service published (referral.completed, referral.task,
/// cache.invalidate), written by <see cref="RecordPublishedEvents"/> in the transaction that queued them in the
/// outbox, so an event is in the ledger exactly when it was sent. `replay` re-emits from here. The payload is the
/// wire JSON as it went out (customer ids only, no PII). Tenanted by its shop: the handler's session, which is the shop's.
/// </summary>
public sealed record PublishedEvent(
    Guid Id,
    Guid ShopId,
    string Topic,
    string EventType,
    string MessageType,
    DateTimeOffset PublishedAt,
    Dictionary<string, string> Headers,
    string Payload)
{
    /// <summary>The topics whose events are recorded (and so can be replayed); each topic carries one event type.</summary>
    public static readonly IReadOnlyCollection<string> Topics =
        [Messaging.Topics.ReferralCompleted, Messaging.Topics.ReferralTask, Messaging.Topics.CacheInvalidate];

    /// <summary>The ledger row of an envelope headed for one of <see cref="Topics"/>, or null for anything else.</summary>
    public static PublishedEvent? Of(Envelope envelope, DateTimeOffset publishedAt)
    {
        if (envelope.Destination is not { Scheme: "kafka" } destination || !Guid.TryParse(envelope.PartitionKey, out var shopId))
            return null;
        var topic = destination.Segments[^1].TrimEnd('/');
        if (!Topics.Contains(topic) || envelope.Data is not { } payload)
            return null;

        var headers = envelope.Headers.Where(h => h.Value is not null).ToDictionary(h => h.Key, h => h.Value!);
        return new PublishedEvent(envelope.Id, shopId, topic, headers.GetValueOrDefault(KafkaEnvelope.EventTypeHeader) ?? topic,
            envelope.MessageType ?? "", publishedAt, headers, Encoding.UTF8.GetString(payload));
    }
}

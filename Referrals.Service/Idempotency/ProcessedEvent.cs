namespace Referrals.Service.Idempotency;

/// <summary>
/// `processed_events`: the authority on whether an incoming event (a Shopify webhook, a consumed Kafka event)
/// was seen and whether it was processed. Multi-tenanted by shop; the id is the sender's event id
/// (X-Shopify-Webhook-Id, or the event's event_id). A webhook is recorded <see cref="ProcessingState.Accepted"/>
/// in the transaction that durably queues it, and <see cref="ProcessingState.Processed"/> in the transaction
/// that applies it, so a redelivery is refused at the door and a replay of a processed event changes nothing.
/// Rows expire after 24 h (<see cref="ExpireProcessedEvents"/>).
/// </summary>
public sealed record ProcessedEvent(
    string Id,
    string EventType,
    ProcessingState State,
    string? Outcome,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ProcessedAt)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public ProcessedEvent Done(string outcome, DateTimeOffset now) =>
        this with { State = ProcessingState.Processed, Outcome = outcome, ProcessedAt = now };
}

public enum ProcessingState { Accepted, Processed }

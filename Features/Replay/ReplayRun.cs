namespace Referrals.Service.Features.Replay;

/// <summary>
/// `replay_runs`: how far one `replay` run got. Events are sent in (published_at, id) order and the cursor is the
/// last one Kafka acknowledged, saved right after the acknowledgement, so a rerun of the same run after Ctrl+C
/// starts after it and sends nothing twice.
/// </summary>
public sealed record ReplayRun(string Id, string Filter, string Destination, DateTimeOffset StartedAt)
{
    public DateTimeOffset? LastPublishedAt { get; init; }
    public Guid? LastEventId { get; init; }
    public int Sent { get; init; }

    /// <summary>The order events are replayed in; deterministic, so a cursor means the same thing on every run.</summary>
    public static IOrderedEnumerable<PublishedEvent> InReplayOrder(IEnumerable<PublishedEvent> events) =>
        events.OrderBy(e => e.PublishedAt).ThenBy(e => e.Id.ToString("N"), StringComparer.Ordinal);

    public bool AlreadySent(PublishedEvent e) =>
        LastPublishedAt is { } at && LastEventId is { } id
        && (e.PublishedAt < at || (e.PublishedAt == at && string.CompareOrdinal(e.Id.ToString("N"), id.ToString("N")) <= 0));

    public ReplayRun After(PublishedEvent sent) => this with { LastPublishedAt = sent.PublishedAt, LastEventId = sent.Id, Sent = Sent + 1 };
}

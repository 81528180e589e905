using Marten;
using Wolverine;
using Wolverine.Runtime;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// Wolverine middleware on every handler: the events the handler cascaded to Kafka go into the
/// <see cref="PublishedEvent"/> ledger in the handler's own transaction (After runs before the commit), so the
/// ledger and the outbox agree: an event is recorded if and only if it was published.
/// </summary>
public static class RecordPublishedEvents
{
    public static void After(IMessageContext context, IDocumentSession session, TimeProvider clock)
    {
        if (context is not MessageBus bus)
            return;
        var now = clock.GetUtcNow();
        foreach (var envelope in bus.Outstanding)
        {
            if (PublishedEvent.Of(envelope, now) is { } published)
                session.Store(published);
        }
    }
}

using Marten;
using Marten.Patching;
using Wolverine;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// Wolverine middleware on every handler: a message carrying <c>dlq_id</c> that was handled successfully
/// (converted, or found already processed) is no longer a dead letter. Marked in the handler's own transaction.
/// </summary>
public static class MarkDeadLetterReprocessed
{
    public static void After(Envelope envelope, IDocumentSession session, TimeProvider clock)
    {
        if (envelope.Headers.GetValueOrDefault(DeadLetterHeaders.IdHeader) is { Length: > 0 } id)
            session.Patch<DeadLetter>(id).Set(d => d.ReprocessedAt, clock.GetUtcNow());
    }
}

using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Marten;
using Wolverine.Configuration;
using Wolverine.Persistence.Sagas;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Messaging;

/// <summary>
/// A handler whose middleware writes into the Marten session (MarkDeadLetterReprocessed, RecordPublishedEvents) commits
/// that session, whether or not the handler itself touches Postgres. AutoApplyTransactions looks only at the handler
/// method: a handler without an IDocumentSession of its own (cache.invalidate, the counters, replayed events) got a
/// session opened for the middleware and never saved, so a dead letter's reprocessed mark or a published event's ledger
/// row was dropped, and a cascaded message stayed in memory only. Registered after the middleware, so it sees it.
/// </summary>
public sealed class CommitMiddlewareSessionWrites : IChainPolicy
{
    public void Apply(IReadOnlyList<IChain> chains, GenerationRules rules, IServiceContainer container)
    {
        // Marten is the one document store, the provider that claims any type.
        var marten = rules.PersistenceProviders().FirstOrDefault(p => p.IsCatchAll);
        if (marten is null)
            return;
        foreach (var chain in chains.OfType<HandlerChain>().Where(c => !c.IsTransactional && MiddlewareWritesSession(c)))
        {
            marten.ApplyTransactionSupport(chain, container);
            chain.IsTransactional = true;
        }
    }

    private static bool MiddlewareWritesSession(HandlerChain chain) =>
        chain.Middleware.Concat(chain.Postprocessors).OfType<MethodCall>()
            .Any(call => call.Method.GetParameters().Any(p => p.ParameterType == typeof(IDocumentSession)));
}

using JasperFx;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using Referrals.Service.Auth;

namespace Referrals.Service.Features.Purge;

/// <summary>A merchant's purge of the shop's audit data, on AdminCore's authorized call, with the merchant's own token.</summary>
public sealed record RequestAuditPurge(Guid ShopId, string MerchantToken);

public sealed record PurgeAccepted(Guid PurgeId, string Status);

/// <summary>The purge, or why there is none: the gRPC status to answer (the merchant's token refused).</summary>
public sealed record PurgeAnswer(PurgeAccepted? Accepted, Grpc.Core.Status? Refusal);

/// <summary>What the decision needs: whether the merchant's token was refused, and the shop's latest purge.</summary>
public sealed record PurgeFacts(Grpc.Core.Status? Refusal, AuditPurge? Latest);

/// <summary>
/// Idempotent while it runs: asking again answers the running purge's purge_id. Otherwise (none yet, or the last
/// one completed) a new purge is recorded and <see cref="PurgeShopData"/> queued durably, in one transaction.
/// </summary>
public static class RequestAuditPurgeHandler
{
    public static void Configure(HandlerChain chain) =>
        // Two requests at once: the loser retries and answers the winner's purge.
        chain.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>().RetryTimes(3);

    public static async Task<PurgeFacts> LoadAsync(RequestAuditPurge request, IDocumentSession db, CallerAccess access, CancellationToken ct)
    {
        // The merchant who asked must be an admin of the shop: a read-only merchant token purges nothing.
        if (await access.TokenRefusalAsync(request.MerchantToken, request.ShopId, AccessPolicies.MerchantAdmin, ct) is { } refusal)
            return new PurgeFacts(new Grpc.Core.Status(refusal.StatusCode, $"jwt_token: {refusal.Detail}"), null);
        return new PurgeFacts(null, await db.LoadAsync<AuditPurge>(request.ShopId, ct));
    }

    public static (PurgeAnswer, IMartenOp, OutgoingMessages) Handle(RequestAuditPurge request, PurgeFacts facts, TimeProvider clock)
    {
        if (facts.Refusal is { } refusal)
            return (new PurgeAnswer(null, refusal), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var latest = facts.Latest;
        if (latest is { State: PurgeState.Running })
            return (new PurgeAnswer(new PurgeAccepted(latest.PurgeId, latest.Status), null), MartenOps.Nothing(), []);

        var purge = new AuditPurge(request.ShopId, Guid.CreateVersion7(now), PurgeState.Running, now, null);
        return (new PurgeAnswer(new PurgeAccepted(purge.PurgeId, purge.Status), null),
            latest is null ? MartenOps.Insert(purge) : MartenOps.Store(purge),
            [new PurgeShopData(request.ShopId, purge.PurgeId).WithDeliveryOptions(new DeliveryOptions { TenantId = request.ShopId.ToString() })]);
    }
}

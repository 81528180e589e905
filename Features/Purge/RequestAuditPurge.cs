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

/// <summary>
/// Idempotent while it runs: asking again answers the running purge's purge_id. Otherwise (none yet, or the last
/// one completed) a new purge is recorded and <see cref="PurgeShopData"/> queued durably, in one transaction.
/// </summary>
public static class RequestAuditPurgeHandler
{
    public static void Configure(HandlerChain chain) =>
        // Two requests at once: the loser retries and answers the winner's purge.
        chain.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>().RetryTimes(3);

    /// <exception cref="Grpc.Core.RpcException">
    /// UNAUTHENTICATED for a revoked, expired or invalid merchant token; PERMISSION_DENIED for another shop's.
    /// </exception>
    public static async Task<AuditPurge?> LoadAsync(RequestAuditPurge request, IDocumentSession db, ValidateCallerToken tokens,
        CancellationToken ct)
    {
        var merchant = await tokens.ValidateAsync(request.MerchantToken, ct);
        RpcGuard.Allow(merchant.IsMerchantOf(request.ShopId), "jwt_token is not a merchant token of this shop");
        return await db.LoadAsync<AuditPurge>(request.ShopId, ct);
    }

    public static (PurgeAccepted, IMartenOp, OutgoingMessages) Handle(RequestAuditPurge request, AuditPurge? latest, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (latest is { State: PurgeState.Running })
            return (new PurgeAccepted(latest.PurgeId, latest.Status), MartenOps.Nothing(), []);

        var purge = new AuditPurge(request.ShopId, Guid.CreateVersion7(now), PurgeState.Running, now, null);
        return (new PurgeAccepted(purge.PurgeId, purge.Status),
            latest is null ? MartenOps.Insert(purge) : MartenOps.Store(purge),
            [new PurgeShopData(request.ShopId, purge.PurgeId).WithDeliveryOptions(new DeliveryOptions { TenantId = request.ShopId.ToString() })]);
    }
}

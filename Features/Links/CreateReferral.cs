using Marten;
using Referrals.Service.Clients;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Referrals;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Features.Links;

/// <summary>Give a shop's customer a referral link. The same request_id returns the same referral.</summary>
public sealed record CreateReferral(Guid ShopId, Guid CustomerId, string Locale, string RequestId);

public sealed record CreatedReferral(Guid ReferralId, string ReferralLinkId, ReferralStatus Status);

public static class CreateReferralHandler
{
    /// <exception cref="Grpc.Core.RpcException">NOT_FOUND for a customer Core does not know; UNAVAILABLE without Core.</exception>
    public static async Task<Referral?> LoadAsync(CreateReferral command, IQuerySession db, CoreCustomers core, CancellationToken ct)
    {
        await core.RequireKnownAsync(command.ShopId, command.CustomerId, ct);
        return await ReferralQueries.ByRequestIdAsync(db, command.RequestId, ct);
    }

    public static (CreatedReferral, IMartenOp, OutgoingMessages) Handle(
        CreateReferral command, Referral? existing, Envelope envelope, TimeProvider clock)
    {
        if (existing is not null)
            return (new CreatedReferral(existing.Id, existing.ReferralLinkId, existing.Status), MartenOps.Nothing(), []);

        var opened = ReferralChanges.Open(command.ShopId, command.CustomerId, ReferralLinkIds.New(), command.Locale, command.RequestId,
            clock.GetUtcNow(), CorrelationId.Of(envelope));
        return (new CreatedReferral(opened.Referral.Id, opened.Referral.ReferralLinkId, opened.Referral.Status),
            opened.Operation, opened.Messages);
    }
}

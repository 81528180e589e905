using Grpc.Core;
using Marten;
using Referrals.Service.Clients;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Referrals;
using Wolverine;
using Wolverine.Marten;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Features.Links;

/// <summary>
/// Give a shop's customer a referral link. Idempotent on (shop, customer, request_id): the same customer's request_id
/// returns the same referral; another customer's request with that request_id gets a referral of its own.
/// </summary>
public sealed record CreateReferral(Guid ShopId, Guid CustomerId, string Locale, string RequestId);

public sealed record CreatedReferral(Guid ReferralId, string ReferralLinkId, ReferralStatus Status);

/// <summary>The referral, or why there is none: the gRPC status to answer (an unknown customer, Core away).</summary>
public sealed record ReferralCreation(CreatedReferral? Created, Status? Refusal);

/// <summary>What the decision needs: whether Core refused the customer, and the referral the customer's request_id already made.</summary>
public sealed record CreateReferralFacts(Status? Refusal, Referral? Existing, int AuditRetentionDays = Shop.MinAuditRetentionDays);

public static class CreateReferralHandler
{
    public static async Task<CreateReferralFacts> LoadAsync(CreateReferral command, IQuerySession db, CoreCustomers core,
        ShopDirectory shops, CancellationToken ct)
    {
        try
        {
            if (!await core.IsKnownAsync(command.ShopId, command.CustomerId, ct))
                return new CreateReferralFacts(
                    new Status(StatusCode.NotFound, $"customer {command.CustomerId} is not a customer of shop {command.ShopId}"), null);
        }
        catch (CoreUnavailableException)
        {
            return new CreateReferralFacts(new Status(StatusCode.Unavailable, "the Core service is unavailable"), null);
        }
        return new CreateReferralFacts(null, await ReferralQueries.ByRequestIdAsync(db, command.CustomerId, command.RequestId, ct),
            Shop.AuditRetentionOf(await shops.FindAsync(command.ShopId, ct)));
    }

    public static (ReferralCreation, IMartenOp, OutgoingMessages) Handle(
        CreateReferral command, CreateReferralFacts facts, Envelope envelope, TimeProvider clock)
    {
        if (facts.Refusal is { } refusal)
            return (new ReferralCreation(null, refusal), MartenOps.Nothing(), []);
        // Only the caller's own earlier referral answers a repeat; never one that names somebody else.
        if (facts.Existing is { } existing && existing.CustomerId == command.CustomerId && existing.RequestId == command.RequestId)
            return (new ReferralCreation(new CreatedReferral(existing.Id, existing.ReferralLinkId, existing.Status), null), MartenOps.Nothing(), []);

        var context = new ReferralChangeContext(command.ShopId, clock.GetUtcNow(), CorrelationId.Of(envelope), facts.AuditRetentionDays);
        var opened = ReferralChanges.Open(context, command.CustomerId, ReferralLinkIds.New(), command.Locale, command.RequestId);
        return (new ReferralCreation(new CreatedReferral(opened.Referral.Id, opened.Referral.ReferralLinkId, opened.Referral.Status), null),
            opened.Operation, opened.Messages);
    }
}

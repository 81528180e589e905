using Marten;
using Referrals.Service.Infrastructure;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Features.Links;

/// <summary>Give a shop's customer a referral link. The same request_id returns the same referral.</summary>
public sealed record CreateReferral(Guid ShopId, Guid CustomerId, string Locale, string RequestId);

public sealed record CreatedReferral(Guid ReferralId, string ReferralLinkId, ReferralStatus Status);

public static class CreateReferralHandler
{
    public static Task<Referral?> LoadAsync(CreateReferral command, IQuerySession db, CancellationToken ct) =>
        db.Query<Referral>().FirstOrDefaultAsync(r => r.RequestId == command.RequestId, ct);

    public static (CreatedReferral, IMartenOp, OutgoingMessages) Handle(
        CreateReferral command, Referral? existing, TimeProvider clock)
    {
        if (existing is not null)
            return (new CreatedReferral(existing.Id, existing.ReferralLinkId, existing.Status), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var referral = new Referral(Guid.CreateVersion7(now), command.CustomerId, ReferralLinkIds.New(), ReferralStatus.Pending,
            command.Locale, command.RequestId, "1.0.0", now, now)
        { CorrelationId = CorrelationId.Current };
        var invite = new ReferralTask(Guid.CreateVersion7(now), command.CustomerId, command.ShopId, ReferralTask.Invite,
            command.Locale, now, CorrelationId.Current ?? Guid.NewGuid().ToString());

        return (new CreatedReferral(referral.Id, referral.ReferralLinkId, referral.Status),
            MartenOps.Insert(referral),
            [KafkaEnvelope.Publish(invite, command.ShopId, ReferralTask.EventType, ReferralTask.SchemaVersion)]);
    }
}

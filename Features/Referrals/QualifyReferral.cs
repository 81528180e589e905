using Marten;
using JasperFx;
using Referrals.Service.Correlation;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Program;
using Referrals.Service.Tenancy;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// The end of a conversion's hold: a durable scheduled message (Wolverine's inbox, written in the transaction that
/// completed the referral), so it survives restarts and fires once its time came, on whichever instance runs then.
/// </summary>
public sealed record QualifyReferral(Guid ShopId, Guid ReferralId, DateTimeOffset HoldUntil)
{
    public const string Queue = "qualifications";

    /// <summary>The qualification of <paramref name="completed"/>, scheduled for its hold_until, for its shop.</summary>
    public static DeliveryMessage<QualifyReferral> At(ReferralChangeContext context, Referral completed) =>
        new QualifyReferral(context.ShopId, completed.Id, completed.HoldUntil!.Value).WithDeliveryOptions(new DeliveryOptions
        {
            TenantId = context.ShopId.ToString(),
            CorrelationId = context.CorrelationId,
            ScheduledTime = completed.HoldUntil,
        });
}

/// <summary>Everything the decision needs, loaded before it is made: the referral, its advocate's milestone count, the shop's milestones.</summary>
public sealed record QualificationFacts(Referral? Referral, int AuditRetentionDays, AdvocateMilestones? Progress = null,
    IReadOnlyList<Milestone>? Milestones = null);

/// <summary>The outcomes of a qualification (`referrals_qualifications_total{outcome}`).</summary>
public static class QualificationOutcomes
{
    public const string Qualified = "qualified";
    /// <summary>No longer completed: cancelled by a reversal within the hold, or already qualified (a second delivery).</summary>
    public const string NotHeld = "not_held";
    public const string UnknownReferral = "unknown_referral";
    /// <summary>Delivered before hold_until (a clock ahead of the scheduler's): scheduled again for the rest.</summary>
    public const string Early = "early";
}

/// <summary>
/// Qualifies a held referral when its hold ended: still `completed` (not reversed, not qualified yet) → rewarded and
/// `referral.qualified`; anything else does nothing, so a second delivery and a reversal in the hold are no-ops. Two
/// deliveries at once: the referral's optimistic concurrency lets one commit, the other retries and finds it rewarded.
/// The qualification counts for its advocate's milestones in the same transaction (<see cref="AdvocateMilestones"/>).
/// </summary>
public static class QualifyReferralHandler
{
    public static void Configure(HandlerChain chain)
    {
        // Another delivery, or another qualification of the same advocate, committed first: decide again on what it wrote.
        // Jittered, doubling pauses: a burst of one advocate's qualifications settles instead of colliding again.
        chain.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>()
            .RetryWithCooldown([TimeSpan.Zero, .. Enumerable.Range(0, 7).Select(n => TimeSpan.FromMilliseconds(25 << n))])
            .WithBoundedJitter(0.5);
        ErrorPolicies.WaitOutStorageOutage(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    public static async Task<QualificationFacts> LoadAsync(QualifyReferral qualify, IDocumentSession db, ShopDirectory shops,
        CancellationToken ct)
    {
        var referral = await ReferralQueries.ByIdAsync(db, qualify.ReferralId, ct);
        var retention = Shop.AuditRetentionOf(await shops.FindAsync(qualify.ShopId, ct));
        if (referral is not { Status: ReferralStatus.Completed })
            return new QualificationFacts(referral, retention);
        var progress = await db.LoadAsync<AdvocateMilestones>(referral.CustomerId, ct);
        var settings = await ProgramSettingsQueries.ForShopAsync(db, qualify.ShopId, ct);
        return new QualificationFacts(referral, retention, progress, settings.Milestones);
    }

    /// <summary>The decision, pure: the outcome for the referral as it is now.</summary>
    public static string Decide(Referral? referral, DateTimeOffset now) => referral switch
    {
        null => QualificationOutcomes.UnknownReferral,
        { Status: not ReferralStatus.Completed } => QualificationOutcomes.NotHeld,
        { HoldUntil: { } until } when until > now => QualificationOutcomes.Early,
        _ => QualificationOutcomes.Qualified,
    };

    public static (IMartenOp, OutgoingMessages) Handle(QualifyReferral qualify, QualificationFacts facts,
        Envelope envelope, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var outcome = Decide(facts.Referral, now);
        var counted = new CountQualification(outcome);
        if (outcome == QualificationOutcomes.Early)
            return (MartenOps.Nothing(), [counted, qualify.WithDeliveryOptions(new DeliveryOptions
            {
                TenantId = qualify.ShopId.ToString(),
                CorrelationId = envelope.CorrelationId,
                ScheduledTime = facts.Referral!.HoldUntil,
            })]);
        if (outcome != QualificationOutcomes.Qualified)
            return (MartenOps.Nothing(), [counted]);

        var context = new ReferralChangeContext(qualify.ShopId, now, CorrelationId.Of(envelope), facts.AuditRetentionDays);
        var change = ReferralChanges.Qualify(context, facts.Referral!);
        var (milestones, reached) = AdvocateMilestones.Count(context, change.Referral, facts.Progress, facts.Milestones ?? []);
        change.Messages.AddRange(reached);
        change.Messages.Add(counted);
        return (change.AlsoDoing(milestones).Operation, change.Messages);
    }
}

using Marten;
using Referrals.Service.Features.Program;
using Referrals.Service.Messaging;
using Wolverine;
using Wolverine.Marten;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// An advocate's count of qualified referrals and the milestones already emitted for them (id = the advocate's
/// customer_id, tenant = shop_id). Written in the qualification's transaction with optimistic concurrency, so two
/// qualifications of one advocate at once (on two instances) cannot both count as the same one: the second save
/// fails, retries and counts on what the first wrote. A reversal does not count down. Ids and counts only.
/// </summary>
public sealed record AdvocateMilestones(Guid Id, int Qualified, IReadOnlyList<int> Emitted, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The referral qualified: its advocate's count goes up by one and each milestone it reaches goes out once as
    /// `referral.milestone_reached`. A referral whose referrer was redacted counts for nobody.
    /// </summary>
    /// <param name="progress">The advocate's document as loaded; null: their first qualification.</param>
    public static (IMartenOp Operation, OutgoingMessages Messages) Count(ReferralChangeContext context, Referral qualified,
        AdvocateMilestones? progress, IReadOnlyList<Milestone> milestones)
    {
        if (qualified.CustomerId == Referral.RedactedCustomer)
            return (MartenOps.Nothing(), []);
        var count = (progress?.Qualified ?? 0) + 1;
        var reached = MilestoneRule.Reached(count, progress?.Emitted ?? [], milestones);
        var counted = new AdvocateMilestones(qualified.CustomerId, count,
            [.. progress?.Emitted ?? [], .. reached.Select(m => m.Qualified)], context.Now);
        OutgoingMessages messages = [];
        foreach (var milestone in reached)
            messages.Add(KafkaEnvelope.Publish(
                new ReferralMilestoneReached(Guid.CreateVersion7(context.Now), context.ShopId, qualified.CustomerId, qualified.Id,
                    milestone.Qualified, milestone.Points, ReferralMilestoneReached.CurrentSchemaVersion, context.Now, context.CorrelationId),
                context.ShopId, ReferralMilestoneReached.EventType, ReferralMilestoneReached.CurrentSchemaVersion, context.CorrelationId));
        return (progress is null ? MartenOps.Insert(counted) : MartenOps.Store(counted), messages);
    }

    /// <summary>The advocate's count goes with their identity (Shopify customers/redact). Run in a session of the shop.</summary>
    public static void Forget(IDocumentSession db, Guid advocate) => db.Delete<AdvocateMilestones>(advocate);

    /// <summary>Every advocate's count of the shop goes (Shopify shop/redact). Run in a session of the shop.</summary>
    public static void ForgetAllOfShop(IDocumentSession db, Guid shopId)
    {
        var shop = shopId.ToString();
        db.DeleteWhere<AdvocateMilestones>(m => m.AnyTenant() && m.TenantIsOneOf(shop));
    }
}

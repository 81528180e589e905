using Marten;
using JasperFx;
using Referrals.Service.Features.DeadLetters;
using Referrals.Service.Features.Translations;
using Referrals.Service.Idempotency;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Wolverine.Runtime.Handlers;
using Referrals.Service.Correlation;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Features.Tiers;

/// <summary>A checked `vip_tier.assigned`, for its shop (tenant).</summary>
public sealed record ApplyVipTier(Guid EventId, Guid ShopId, Guid CustomerId, string TierId, DateTimeOffset AssignedAt);

/// <summary>Everything the decision needs, loaded before it is made.</summary>
public sealed record TierFacts(
    ProcessedEvent? Seen,
    CustomerTier? Current,
    BonusPolicy? Policy,
    IReadOnlyList<Referral> CompletedReferrals,
    IReadOnlyDictionary<string, string> CompletedDescriptions,
    int AuditRetentionDays = Shop.MinAuditRetentionDays);

/// <summary>
/// The bonus rule. An assignment counts only if its assigned_at is newer than the customer's stored one (older
/// or equal: "stale", nothing changes), and only once per event_id (processed_events). A counted assignment
/// becomes the customer's tier, and every referral of theirs that is `completed` (converted, in its hold, not yet
/// qualified), converted no earlier than the policy's look-back window before assigned_at, and does not already
/// carry this tier's bonus, gets it recorded: it stays completed (only the end of the hold makes a referral
/// `rewarded`, and `referral.qualified` then carries the bonus), and a `referral.completed` with status `completed`
/// and the tier's bonus announces it. A qualified (rewarded) referral gets no later bonus, and none twice for one
/// (referral, tier) whatever the delivery order or count.
/// </summary>
public static class ApplyVipTierHandler
{
    public static void Configure(HandlerChain chain)
    {
        // Two events of one customer at once: the loser retries and decides on what the winner committed.
        chain.OnException<ConcurrencyException>().Or<DocumentAlreadyExistsException>().RetryTimes(3);
        ErrorPolicies.WaitOutStorageOutage(chain);
        ErrorPolicies.RetryThenPark(chain);
    }

    public static async Task<TierFacts> LoadAsync(ApplyVipTier command, IDocumentSession db, LocalizedMessages messages,
        ShopDirectory shops, CancellationToken ct)
    {
        var seen = await db.LoadAsync<ProcessedEvent>(command.EventId.ToString(), ct);
        if (seen is { State: ProcessingState.Processed })
            return new TierFacts(seen, null, null, [], new Dictionary<string, string>());

        var current = await db.LoadAsync<CustomerTier>(command.CustomerId, ct);
        var policy = await db.LoadAsync<BonusPolicy>(command.ShopId, ct);
        var completed = await ReferralQueries.ConvertedOfCustomerAsync(db, command.CustomerId, ct);
        var descriptions = new Dictionary<string, string>();
        foreach (var locale in completed.Select(r => r.Locale).Distinct())
            descriptions[locale] = (await messages.GetAsync(command.ShopId, LocalizedMessages.StatusKey(ReferralStatus.Completed.Wire()), locale, ct)).Value;
        return new TierFacts(seen, current, policy, completed, descriptions, Shop.AuditRetentionOf(await shops.FindAsync(command.ShopId, ct)));
    }

    /// <summary>The decision, pure: processed_events, the customer's tier, the referrals that got the bonus and their messages.</summary>
    public static (IMartenOp, IMartenOp, IMartenOp, OutgoingMessages) Handle(
        ApplyVipTier command, TierFacts facts, Envelope envelope, TimeProvider clock)
    {
        if (facts.Seen is { State: ProcessingState.Processed })
            return (MartenOps.Nothing(), MartenOps.Nothing(), MartenOps.Nothing(), []);

        var now = clock.GetUtcNow();
        var remember = new RememberProcessed(command.ShopId, command.EventId.ToString());
        if (facts.Current is { } current && command.AssignedAt <= current.AssignedAt)
            return (Processed(command, "stale", now), MartenOps.Nothing(), MartenOps.Nothing(), [remember]);

        var tier = new CustomerTier(command.CustomerId, command.TierId, command.AssignedAt, command.EventId.ToString(), now);
        IMartenOp storeTier = facts.Current is null ? MartenOps.Insert(tier) : MartenOps.Store(tier);
        if (facts.Policy?.BonusFor(command.TierId) is not { } bonus)
            return (Processed(command, "tier_without_bonus", now), storeTier, MartenOps.Nothing(), [remember]);

        var context = new ReferralChangeContext(command.ShopId, now, CorrelationId.Of(envelope), facts.AuditRetentionDays);
        var since = command.AssignedAt - TimeSpan.FromDays(facts.Policy.LookBackDays);
        var earned = new ReferralBonus(bonus.TierId, bonus.Multiplier, bonus.BonusPoints);
        var rewards = facts.CompletedReferrals
            .Where(r => r.Status == ReferralStatus.Completed && r.CompletedAt >= since && r.BonusTierId != command.TierId)
            .Select(r => ReferralChanges.RecordBonus(context, r, earned, facts.CompletedDescriptions[r.Locale]))
            .ToArray();

        var messages = new OutgoingMessages { remember };
        foreach (var reward in rewards)
            messages.AddRange(reward.Messages);
        return (Processed(command, rewards.Length > 0 ? "bonus_applied" : "tier_assigned", now), storeTier,
            rewards.Length > 0 ? MartenOps.StoreMany([.. rewards.Select(r => r.Referral)]) : MartenOps.Nothing(), messages);
    }

    // Inserted, not upserted: two deliveries of one event racing each other cannot both commit.
    private static InsertDoc<ProcessedEvent> Processed(ApplyVipTier command, string outcome, DateTimeOffset now) =>
        MartenOps.Insert(new ProcessedEvent(command.EventId.ToString(), VipTierAssigned.EventType, ProcessingState.Processed, outcome, now, now));
}

extern alias service;

using service::Referrals.Service.Caching;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Tiers;
using service::Referrals.Service.Idempotency;
using static Referrals.Service.Tests.Infrastructure.Decisions;
using service::Referrals.Service.Correlation;

namespace Referrals.Service.Tests.Tiers;

/// <summary>The tier bonus rules of <see cref="ApplyVipTierHandler"/>'s pure decision, without a stack.</summary>
[Trait("Tier", "Unit")]
public sealed class ApplyVipTierDecisionTests
{
    private static readonly Guid Customer = Guid.NewGuid();
    private static readonly BonusPolicy Policy = new(ShopId, LookBackDays: 30, [new TierBonus("gold", 2.0, 500), new TierBonus("silver", 1.5, 0)], Now);
    private static readonly Dictionary<string, string> Completed = new() { ["en"] = "Completed", ["ar"] = "اكتملت" };

    private static ApplyVipTier Assigned(string tier = "gold", DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), ShopId, Customer, tier, at ?? Now);

    private static TierFacts Facts(IReadOnlyList<Referral> converted, CustomerTier? current = null, BonusPolicy? policy = null,
        ProcessedEvent? seen = null) =>
        new(seen, current, policy ?? Policy, converted, Completed);

    private static string OutcomeOf(Wolverine.Marten.IMartenOp processed) => processed.Stored<ProcessedEvent>()!.Outcome!;

    [Fact]
    public void An_event_already_processed_changes_nothing()
    {
        var seen = new ProcessedEvent("e", VipTierAssigned.EventType, ProcessingState.Processed, "bonus_applied", Now, Now);

        var (processed, tier, referrals, messages) = ApplyVipTierHandler.Handle(Assigned(), Facts([], seen: seen), Envelope(), Clock);

        processed.Stored<ProcessedEvent>().ShouldBeNull();
        tier.Stored<CustomerTier>().ShouldBeNull();
        referrals.StoredMany<Referral>().ShouldBeEmpty();
        messages.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void An_assignment_no_newer_than_the_customers_current_one_is_stale(int secondsNewer)
    {
        var current = new CustomerTier(Customer, "silver", Now, "older", Now);

        var (processed, tier, _, messages) = ApplyVipTierHandler.Handle(Assigned(at: Now.AddSeconds(secondsNewer)),
            Facts([Referral(ReferralStatus.Completed, Customer, completedAt: Now)], current), Envelope(), Clock);

        OutcomeOf(processed).ShouldBe("stale");
        tier.Stored<CustomerTier>().ShouldBeNull();
        messages.Sent<RememberProcessed>().ShouldHaveSingleItem();
    }

    [Fact]
    public void A_first_tier_is_inserted_and_a_newer_one_replaces_it()
    {
        var current = new CustomerTier(Customer, "silver", Now.AddDays(-1), "older", Now.AddDays(-1));

        var (_, first, _, _) = ApplyVipTierHandler.Handle(Assigned(), Facts([]), Envelope(), Clock);
        var (_, newer, _, _) = ApplyVipTierHandler.Handle(Assigned(), Facts([], current), Envelope(), Clock);

        first.ShouldBeOfType<Wolverine.Marten.InsertDoc<CustomerTier>>().Document.ShouldBeOfType<CustomerTier>().TierId.ShouldBe("gold");
        newer.ShouldBeOfType<Wolverine.Marten.StoreDoc<CustomerTier>>();
    }

    [Fact]
    public void A_tier_the_policy_gives_no_bonus_is_stored_without_rewarding_anything()
    {
        var (processed, tier, referrals, _) = ApplyVipTierHandler.Handle(Assigned("bronze"),
            Facts([Referral(ReferralStatus.Completed, Customer, completedAt: Now)]), Envelope(), Clock);

        OutcomeOf(processed).ShouldBe("tier_without_bonus");
        tier.Stored<CustomerTier>()!.TierId.ShouldBe("bronze");
        referrals.StoredMany<Referral>().ShouldBeEmpty();
    }

    [Fact]
    public void A_held_referral_inside_the_look_back_records_the_tiers_bonus_and_stays_completed_until_it_qualifies()
    {
        var converted = Referral(ReferralStatus.Completed, Customer, locale: "ar", completedAt: Now.AddDays(-29));

        var (processed, _, referrals, messages) = ApplyVipTierHandler.Handle(Assigned(), Facts([converted]), Envelope("corr-t"), Clock);

        OutcomeOf(processed).ShouldBe("bonus_applied");
        var held = referrals.StoredMany<Referral>().ShouldHaveSingleItem();
        (held.Status, held.BonusTierId, held.Bonus, held.StatusReason)
            .ShouldBe((ReferralStatus.Completed, "gold", new ReferralBonus("gold", 2.0, 500), null));
        var announced = messages.Sent<ReferralCompleted>().ShouldHaveSingleItem();
        (announced.Status, announced.TierId, announced.BonusMultiplier, announced.BonusPoints, announced.Description, announced.CorrelationId)
            .ShouldBe(("completed", "gold", 2.0, 500, "اكتملت", "corr-t"));
        messages.Sent<CacheInvalidate>().ShouldHaveSingleItem().Key.ShouldBe(ReferralStatusCache.Key(ShopId, converted.Id));
        messages.Sent<CountReferralStatus>().ShouldBeEmpty(); // not a status change
        messages.Sent<ReferralQualified>().ShouldBeEmpty(); // only the end of the hold qualifies it
    }

    [Fact]
    public void A_referral_converted_before_the_look_back_window_gets_no_bonus()
    {
        var old = Referral(ReferralStatus.Completed, Customer, completedAt: Now.AddDays(-31));

        var (processed, _, referrals, messages) = ApplyVipTierHandler.Handle(Assigned(), Facts([old]), Envelope(), Clock);

        OutcomeOf(processed).ShouldBe("tier_assigned");
        referrals.StoredMany<Referral>().ShouldBeEmpty();
        messages.Sent<ReferralCompleted>().ShouldBeEmpty();
    }

    [Fact]
    public void A_qualified_referral_gets_no_later_bonus()
    {
        var qualified = Referral(ReferralStatus.Rewarded, Customer, completedAt: Now);

        var (_, _, referrals, messages) = ApplyVipTierHandler.Handle(Assigned(), Facts([qualified]), Envelope(), Clock);

        referrals.StoredMany<Referral>().ShouldBeEmpty();
        messages.Sent<ReferralCompleted>().ShouldBeEmpty();
    }

    [Fact]
    public void A_referral_that_already_carries_this_tiers_bonus_does_not_get_it_again()
    {
        var carried = Referral(ReferralStatus.Completed, Customer, completedAt: Now, bonusTierId: "gold");

        var (_, _, referrals, _) = ApplyVipTierHandler.Handle(Assigned(), Facts([carried]), Envelope(), Clock);

        referrals.StoredMany<Referral>().ShouldBeEmpty();
    }

    [Fact]
    public void Every_eligible_referral_gets_the_bonus_once_in_one_decision()
    {
        var first = Referral(ReferralStatus.Completed, Customer, completedAt: Now.AddDays(-1));
        var second = Referral(ReferralStatus.Completed, Customer, completedAt: Now.AddDays(-2));

        var (_, _, referrals, messages) = ApplyVipTierHandler.Handle(Assigned(), Facts([first, second]), Envelope(), Clock);

        referrals.StoredMany<Referral>().Select(r => r.Id).ShouldBe([first.Id, second.Id], ignoreOrder: true);
        messages.Sent<ReferralCompleted>().Select(e => e.ReferralId).ShouldBe([first.Id, second.Id], ignoreOrder: true);
        messages.Sent<RememberProcessed>().ShouldHaveSingleItem();
    }
}

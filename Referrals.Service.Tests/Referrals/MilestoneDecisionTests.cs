extern alias service;

using service::Referrals.Service.Features.Program;
using service::Referrals.Service.Features.Referrals;
using Wolverine.Marten;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Referrals;

/// <summary>The milestone decider and the advocate's count, stack-free, on a fixed clock.</summary>
[Trait("Tier", "Unit")]
public sealed class MilestoneDecisionTests
{
    private static readonly Milestone[] Milestones = [new(5, 500), new(10, 1500)];

    [Theory]
    [InlineData(4, new int[0], new int[0])]
    [InlineData(5, new int[0], new[] { 5 })]
    [InlineData(6, new[] { 5 }, new int[0])]
    [InlineData(10, new[] { 5 }, new[] { 10 })]
    [InlineData(5, new[] { 5 }, new int[0])] // emitted once: a count that came back to it emits nothing again
    public void A_milestone_is_reached_by_the_qualification_that_makes_the_count_equal_it_once(int qualified, int[] emitted, int[] reached) =>
        MilestoneRule.Reached(qualified, emitted, Milestones).Select(m => m.Qualified).ShouldBe(reached);

    [Fact]
    public void A_milestone_added_below_an_advocates_count_was_passed_before_it_existed_and_is_not_paid_later()
    {
        Milestone[] changed = [new(2, 200), .. Milestones];

        MilestoneRule.Reached(4, [], changed).ShouldBeEmpty();
        MilestoneRule.Reached(5, [], changed).ShouldHaveSingleItem().ShouldBe(new Milestone(5, 500));
    }

    [Fact]
    public void A_shop_without_milestones_reaches_none() =>
        MilestoneRule.Reached(5, [], []).ShouldBeEmpty();

    [Fact]
    public void An_advocates_first_qualification_inserts_their_count_so_two_first_ones_at_once_cannot_both_be_first()
    {
        var referral = Referral(ReferralStatus.Rewarded);

        var (operation, messages) = AdvocateMilestones.Count(Context(), referral, null, Milestones);

        operation.ShouldBeOfType<InsertDoc<AdvocateMilestones>>();
        operation.Stored<AdvocateMilestones>().ShouldBe(new AdvocateMilestones(referral.CustomerId, 1, [], Now), new CountComparer());
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void The_qualification_that_reaches_a_milestone_announces_it_once_with_the_shops_points_and_records_it_emitted()
    {
        var referral = Referral(ReferralStatus.Rewarded);
        var progress = new AdvocateMilestones(referral.CustomerId, 4, [], Now.AddDays(-1));

        var (operation, messages) = AdvocateMilestones.Count(Context("corr-m"), referral, progress, Milestones);

        operation.ShouldBeOfType<StoreDoc<AdvocateMilestones>>();
        var counted = operation.Stored<AdvocateMilestones>()!;
        (counted.Qualified, counted.Emitted.ShouldHaveSingleItem()).ShouldBe((5, 5));
        var reached = messages.Sent<ReferralMilestoneReached>().ShouldHaveSingleItem();
        (reached.ShopId, reached.CustomerId, reached.ReferralId, reached.Milestone, reached.Points, reached.OccurredAt, reached.CorrelationId)
            .ShouldBe((ShopId, referral.CustomerId, referral.Id, 5, 500, Now, "corr-m"));
        reached.SchemaVersion.ShouldBe(ReferralMilestoneReached.CurrentSchemaVersion);
    }

    [Fact]
    public void A_referral_whose_referrer_was_redacted_counts_for_nobody()
    {
        var referral = Referral(ReferralStatus.Rewarded, customerId: service::Referrals.Service.Features.Referrals.Referral.RedactedCustomer);

        var (operation, messages) = AdvocateMilestones.Count(Context(), referral, null, Milestones);

        operation.ShouldBeOfType<NoOp>();
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void Qualifying_a_held_referral_counts_it_for_its_advocate_in_the_same_transaction()
    {
        var held = Referral(ReferralStatus.Completed) with { HoldUntil = Now.AddMinutes(-1), OrderId = 7190000900 };
        var facts = new QualificationFacts(held, 90, new AdvocateMilestones(held.CustomerId, 4, [], Now.AddDays(-1)), Milestones);

        var (operation, messages) = QualifyReferralHandler.Handle(new QualifyReferral(ShopId, held.Id, Now), facts, Envelope(), Clock);

        operation.Stored<Referral>()!.Status.ShouldBe(ReferralStatus.Rewarded);
        operation.Stored<AdvocateMilestones>()!.Qualified.ShouldBe(5);
        messages.Sent<ReferralQualified>().ShouldHaveSingleItem();
        messages.Sent<ReferralMilestoneReached>().ShouldHaveSingleItem().Milestone.ShouldBe(5);
    }

    [Fact]
    public void A_second_delivery_of_a_qualification_counts_nothing_again()
    {
        var rewarded = Referral(ReferralStatus.Rewarded) with { HoldUntil = Now.AddMinutes(-1) };
        var facts = new QualificationFacts(rewarded, 90, new AdvocateMilestones(rewarded.CustomerId, 4, [], Now.AddDays(-1)), Milestones);

        var (operation, messages) = QualifyReferralHandler.Handle(new QualifyReferral(ShopId, rewarded.Id, Now), facts, Envelope(), Clock);

        operation.ShouldBeOfType<NoOp>();
        messages.Sent<ReferralMilestoneReached>().ShouldBeEmpty();
    }

    private sealed class CountComparer : IEqualityComparer<AdvocateMilestones>
    {
        public bool Equals(AdvocateMilestones? x, AdvocateMilestones? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Qualified == y.Qualified && x.Emitted.SequenceEqual(y.Emitted) && x.UpdatedAt == y.UpdatedAt;

        public int GetHashCode(AdvocateMilestones obj) => obj.Id.GetHashCode();
    }
}

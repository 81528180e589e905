extern alias service;

using service::Referrals.Service.Features.Funnel;
using service::Referrals.Service.Features.Referrals;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Funnel;

/// <summary>Which funnel steps each status change makes, and the query's rows as the funnel view, without a stack.</summary>
[Trait("Tier", "Unit")]
public sealed class FunnelStepsTests
{
    private static IReadOnlyList<FunnelStep> Steps(ReferralStatus from, ReferralStatus to, string? reason = null) =>
        FunnelSteps.Of(from, Referral(to) with { StatusReason = reason });

    [Fact]
    public void An_order_that_converts_a_pending_referral_is_attributed_and_converted()
    {
        Steps(ReferralStatus.Pending, ReferralStatus.Completed)
            .ShouldBe([new FunnelStep(FunnelStage.OrderAttributed), new FunnelStep(FunnelStage.Converted)]);
    }

    [Fact]
    public void A_review_is_attributed_when_held_and_converted_only_when_approved()
    {
        Steps(ReferralStatus.Pending, ReferralStatus.InProgress, ReferralReason.UnderReview).ShouldBe([new FunnelStep(FunnelStage.OrderAttributed)]);
        Steps(ReferralStatus.InProgress, ReferralStatus.Completed).ShouldBe([new FunnelStep(FunnelStage.Converted)]);
    }

    [Theory]
    [InlineData(ReferralStatus.Pending, ReferralReason.SelfReferral, true)]
    [InlineData(ReferralStatus.Pending, ReferralReason.BelowMinimum, true)]
    [InlineData(ReferralStatus.InProgress, ReferralReason.ReviewRejected, false)]
    [InlineData(ReferralStatus.InProgress, ReferralReason.AdvocateBlocked, false)]
    public void A_rejection_counts_its_reason_and_an_attribution_only_when_it_decided_the_order(ReferralStatus from, string reason,
        bool attributed)
    {
        var steps = Steps(from, ReferralStatus.Failed, reason);

        steps[^1].ShouldBe(new FunnelStep(FunnelStage.Rejected, Reason: reason));
        steps.Any(s => s.Stage == FunnelStage.OrderAttributed).ShouldBe(attributed);
    }

    [Fact]
    public void A_qualification_and_the_reversals_in_the_hold_and_after_it_are_steps_of_their_own()
    {
        Steps(ReferralStatus.Completed, ReferralStatus.Rewarded).ShouldBe([new FunnelStep(FunnelStage.Qualified)]);
        Steps(ReferralStatus.Completed, ReferralStatus.Cancelled, ReferralReason.OrderRefunded)
            .ShouldBe([new FunnelStep(FunnelStage.Reversed, After: FunnelStage.InHold)]);
        Steps(ReferralStatus.Rewarded, ReferralStatus.Cancelled, ReferralReason.OrderCancelled)
            .ShouldBe([new FunnelStep(FunnelStage.Reversed, After: FunnelStage.AfterQualification)]);
    }

    [Fact]
    public void A_reversal_that_came_before_the_conversion_is_an_attribution_and_not_a_reversal()
    {
        Steps(ReferralStatus.Pending, ReferralStatus.Cancelled, ReferralReason.OrderRefunded).ShouldBe([new FunnelStep(FunnelStage.OrderAttributed)]);
    }

    [Fact]
    public void A_new_link_counts_link_created_and_every_status_change_of_the_core_its_funnel_steps()
    {
        var context = Context();

        var opened = ReferralChanges.Open(context, Guid.NewGuid(), "Ab12Cd34Ef56", "en", "req-1");
        var qualified = ReferralChanges.Qualify(context, Referral(ReferralStatus.Completed) with { OrderId = 1, HoldUntil = Now });

        opened.Messages.Sent<CountFunnelSteps>().ShouldHaveSingleItem().Steps.ShouldBe([new FunnelStep(FunnelStage.LinkCreated)]);
        qualified.Messages.Sent<CountFunnelSteps>().ShouldHaveSingleItem().Steps.ShouldBe([new FunnelStep(FunnelStage.Qualified)]);
        qualified.Referral.QualifiedAt.ShouldBe(Now);
    }

    [Fact]
    public void The_moves_of_a_referral_record_the_moments_the_funnel_query_counts_by()
    {
        var later = Now.AddDays(1);

        var completed = Referral().MoveTo(ReferralStatus.Completed, Now, "c");
        var rewarded = completed.MoveTo(ReferralStatus.Rewarded, later, "c");
        var reversed = rewarded.MoveTo(ReferralStatus.Cancelled, later.AddDays(1), "c", ReferralReason.OrderRefunded);

        (completed.AttributedAt, completed.CompletedAt, completed.QualifiedAt).ShouldBe((Now, Now, null));
        (rewarded.AttributedAt, rewarded.QualifiedAt, rewarded.ReversedAt).ShouldBe((Now, later, null));
        (reversed.AttributedAt, reversed.QualifiedAt, reversed.ReversedAt).ShouldBe((Now, later, later.AddDays(1)));
    }

    [Fact]
    public void The_funnel_view_sums_the_rows_of_each_stage_and_lists_rejections_by_reason()
    {
        var view = FunnelView.Of(ShopId, Now.AddDays(-30), Now,
        [
            new FunnelRow(FunnelStage.LinkCreated, null, 5),
            new FunnelRow(FunnelStage.Converted, null, 2),
            new FunnelRow(FunnelStage.Rejected, ReferralReason.Velocity, 2),
            new FunnelRow(FunnelStage.Rejected, ReferralReason.SelfReferral, 1),
        ]);

        (view.LinksCreated, view.OrdersAttributed, view.Converted, view.Qualified, view.Rewarded, view.Reversed, view.Rejected)
            .ShouldBe((5L, 0L, 2L, 0L, 0L, 0L, 3L));
        view.RejectedByReason.ShouldBe(new Dictionary<string, long> { [ReferralReason.Velocity] = 2, [ReferralReason.SelfReferral] = 1 });
    }
}

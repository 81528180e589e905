extern alias service;

using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Reversals;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Reversals;

/// <summary>The hold, qualification and reversal deciders, stack-free, on a fixed clock.</summary>
[Trait("Tier", "Unit")]
public sealed class HoldAndReversalDecisionTests
{
    private const long OrderId = 64001;

    [Fact]
    public void Completing_holds_the_referral_for_the_shops_days_and_schedules_its_qualification_then()
    {
        var completed = ReferralChanges.Complete(Context(), Referral(), OrderId, Guid.NewGuid(), "done", null, TimeSpan.FromDays(14));

        completed.Referral.HoldUntil.ShouldBe(Now.AddDays(14));
        completed.Referral.OrderId.ShouldBe(OrderId);
        var options = completed.Messages.OptionsOf<QualifyReferral>().ShouldHaveSingleItem();
        options.ScheduledTime.ShouldBe(Now.AddDays(14));
        options.TenantId.ShouldBe(ShopId.ToString());
        completed.Messages.Sent<QualifyReferral>().ShouldHaveSingleItem().ReferralId.ShouldBe(completed.Referral.Id);
    }

    [Fact]
    public void A_held_referral_qualifies_when_its_hold_ended_and_not_before()
    {
        var held = Referral(ReferralStatus.Completed) with { HoldUntil = Now };

        QualifyReferralHandler.Decide(held, Now).ShouldBe(QualificationOutcomes.Qualified);
        QualifyReferralHandler.Decide(held, Now.AddSeconds(-1)).ShouldBe(QualificationOutcomes.Early);
    }

    [Theory]
    [InlineData(ReferralStatus.Rewarded)]
    [InlineData(ReferralStatus.Cancelled)]
    public void A_second_delivery_or_a_reversal_in_the_hold_leaves_nothing_to_qualify(ReferralStatus status)
    {
        var referral = Referral(status) with { HoldUntil = Now.AddDays(-1) };

        QualifyReferralHandler.Decide(referral, Now).ShouldBe(QualificationOutcomes.NotHeld);
        QualifyReferralHandler.Decide(null, Now).ShouldBe(QualificationOutcomes.UnknownReferral);
    }

    [Fact]
    public void Qualifying_rewards_the_referral_and_announces_the_bonus_it_carries()
    {
        var held = Referral(ReferralStatus.Completed, completedAt: Now.AddDays(-14)) with
        {
            OrderId = OrderId,
            HoldUntil = Now,
            Bonus = new ReferralBonus("gold", 1.5, 100),
        };

        var qualified = ReferralChanges.Qualify(Context(), held);

        qualified.Referral.Status.ShouldBe(ReferralStatus.Rewarded);
        var announced = qualified.Messages.Sent<ReferralQualified>().ShouldHaveSingleItem();
        (announced.OrderId, announced.TierId, announced.BonusMultiplier, announced.BonusPoints, announced.HoldUntil)
            .ShouldBe((OrderId, "gold", 1.5, 100, Now));
    }

    [Fact]
    public void A_cancellation_always_reverses_and_a_redelivered_one_changes_nothing()
    {
        var ledger = new OrderLedger(OrderId, Now) { Subtotal = 100m };
        var cancel = Reversal(ReversalKind.Cancel, null, 0);

        var once = OrderReversalRules.Apply(ledger, cancel, Now);
        var twice = OrderReversalRules.Apply(once, cancel, Now);

        OrderReversalRules.ReversingReason(once, 0.5).ShouldBe(ReferralReason.OrderCancelled);
        twice.ShouldBeSameAs(once);
    }

    [Fact]
    public void Refunds_add_up_per_refund_id_and_reverse_once_they_reach_the_shops_fraction_of_the_subtotal()
    {
        var ledger = new OrderLedger(OrderId, Now) { Subtotal = 100m };

        var first = OrderReversalRules.Apply(ledger, Reversal(ReversalKind.Refund, 1, 30m), Now);
        var redelivered = OrderReversalRules.Apply(first, Reversal(ReversalKind.Refund, 1, 30m), Now);
        var second = OrderReversalRules.Apply(first, Reversal(ReversalKind.Refund, 2, 20m), Now);

        OrderReversalRules.ReversingReason(first, 0.5).ShouldBeNull();
        redelivered.ShouldBeSameAs(first);
        second.Refunded.ShouldBe(50m);
        OrderReversalRules.ReversingReason(second, 0.5).ShouldBe(ReferralReason.OrderRefunded);
        OrderReversalRules.ReversingReason(second, 0.6).ShouldBeNull();
    }

    [Fact]
    public void A_refund_of_an_order_whose_subtotal_is_unknown_reverses()
    {
        var refunded = OrderReversalRules.Apply(new OrderLedger(OrderId, Now), Reversal(ReversalKind.Refund, 3, 1m), Now);

        OrderReversalRules.ReversingReason(refunded, 0.5).ShouldBe(ReferralReason.OrderRefunded);
    }

    [Fact]
    public void A_reversal_within_the_hold_cancels_the_referral_and_after_qualification_claws_the_reward_back()
    {
        var ledger = new OrderLedger(OrderId, Now) { Subtotal = 100m, Currency = "USD", ReferralId = Guid.NewGuid() };
        var refund = Reversal(ReversalKind.Refund, 4, 80m);
        var held = Referral(ReferralStatus.Completed) with { OrderId = OrderId };
        var qualified = Referral(ReferralStatus.Rewarded) with { OrderId = OrderId, Bonus = new ReferralBonus("gold", 2, 10) };

        var (_, inHoldLedger, inHold, inHoldMessages) = ReverseOrderHandler.Handle(refund, Facts(ledger, held), Envelope(), Clock);
        var (_, _, after, afterMessages) = ReverseOrderHandler.Handle(refund, Facts(ledger, qualified), Envelope(), Clock);

        var cancelled = inHold.Stored<Referral>()!;
        (cancelled.Status, cancelled.StatusReason).ShouldBe((ReferralStatus.Cancelled, ReferralReason.OrderRefunded));
        inHoldMessages.Sent<ReferralReversed>().ShouldBeEmpty();
        inHoldLedger.Stored<OrderLedger>()!.ReversedWith.ShouldBe(ReferralReason.OrderRefunded);
        after.Stored<Referral>()!.Status.ShouldBe(ReferralStatus.Cancelled);
        var reversed = afterMessages.Sent<ReferralReversed>().ShouldHaveSingleItem();
        (reversed.Reason, reversed.AmountRefunded, reversed.Currency, reversed.TierId, reversed.BonusPoints)
            .ShouldBe((ReferralReason.OrderRefunded, "80.00", "USD", "gold", 10));
    }

    [Fact]
    public void A_reversal_before_the_conversion_is_remembered_and_a_partial_refund_below_the_fraction_only_counted()
    {
        var before = ReverseOrderHandler.Handle(Reversal(ReversalKind.Cancel, null, 0), Facts(null, null), Envelope(), Clock);
        var ledger = new OrderLedger(OrderId, Now) { Subtotal = 100m, ReferralId = Guid.NewGuid() };
        var small = ReverseOrderHandler.Handle(Reversal(ReversalKind.Refund, 5, 10m), Facts(ledger, Referral(ReferralStatus.Completed)),
            Envelope(), Clock);

        before.Item2.Stored<OrderLedger>()!.Cancelled.ShouldBeTrue();
        before.Item4.Sent<CountReversal>().ShouldHaveSingleItem().Outcome.ShouldBe(ReversalOutcomes.Remembered);
        small.Item3.Stored<Referral>().ShouldBeNull();
        small.Item4.Sent<CountReversal>().ShouldHaveSingleItem().Outcome.ShouldBe(ReversalOutcomes.BelowFraction);
    }

    private static ReverseOrder Reversal(ReversalKind kind, long? refundId, decimal amount) =>
        new(ShopId, $"wh-{kind}-{refundId}", OrderId, kind, refundId, amount, "USD", Now);

    private static ReversalFacts Facts(OrderLedger? ledger, Referral? referral) =>
        new(null, ledger, referral, service::Referrals.Service.Features.Program.ProgramSettings.Defaults(ShopId), 90);
}

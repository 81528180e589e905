extern alias service;

using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Messaging;
using static Referrals.Service.Tests.Infrastructure.Decisions;
using service::Referrals.Service.Correlation;

namespace Referrals.Service.Tests.Referrals;

/// <summary>The named operations of the Referrals core: one place writes the status, the events and the cache entry.</summary>
[Trait("Tier", "Unit")]
public sealed class ReferralChangesTests
{
    [Fact]
    public void Opening_a_referral_makes_it_pending_and_asks_for_the_referrers_invite()
    {
        var customer = Guid.NewGuid();

        var opened = ReferralChanges.Open(ShopId, customer, "Zz12Cd34Ef56", "ar", "req-9", Now, "corr-o");

        (opened.Referral.Status, opened.Referral.CustomerId, opened.Referral.Locale, opened.Referral.RequestId, opened.Referral.CorrelationId)
            .ShouldBe((ReferralStatus.Pending, customer, "ar", "req-9", "corr-o"));
        opened.Operation.ShouldBeOfType<Wolverine.Marten.InsertDoc<Referral>>();
        var invite = opened.Messages.Sent<ReferralTask>().ShouldHaveSingleItem();
        (invite.TaskType, invite.CustomerId, invite.ShopId).ShouldBe((ReferralTask.Invite, customer, ShopId));
        opened.Messages.OptionsOf<ReferralTask>().Single().Headers[KafkaEnvelope.EventTypeHeader].ShouldBe(ReferralTask.EventType);
    }

    [Fact]
    public void Completing_a_referral_that_is_already_completed_is_refused_by_the_status_machine()
    {
        var completed = Referral(ReferralStatus.Completed);

        Should.Throw<IllegalReferralTransitionException>(() =>
            ReferralChanges.Complete(ShopId, completed, 1, Guid.NewGuid(), "done", null, Now, "corr"));
    }

    [Fact]
    public void Rewarding_needs_a_completed_referral()
    {
        var pending = Referral(ReferralStatus.Pending);

        Should.Throw<IllegalReferralTransitionException>(() =>
            ReferralChanges.Reward(ShopId, pending, new ReferralBonus("gold", 2, 0), "vip_tier gold", "Rewarded", Now, "corr"));
    }

    [Fact]
    public void Redacting_keeps_the_referrals_without_their_referrer()
    {
        var referrals = new[] { Referral(), Referral() };

        var op = ReferralChanges.Redact(referrals);

        op.StoredMany<Referral>().ShouldAllBe(r => r.CustomerId == service::Referrals.Service.Features.Referrals.Referral.RedactedCustomer);
        ReferralChanges.Redact([]).ShouldBeOfType<Wolverine.Marten.NoOp>();
    }

    [Fact]
    public void The_status_cache_key_is_the_seeds()
    {
        var referral = Guid.Parse("0199a000-0000-7000-8000-000000000001");

        ReferralStatusCache.Key(ShopId, referral).ShouldBe($"referral:{ShopId}:{referral}");
    }
}

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

        var opened = ReferralChanges.Open(Context("corr-o"), customer, "Zz12Cd34Ef56", "ar", "req-9");

        (opened.Referral.Status, opened.Referral.CustomerId, opened.Referral.Locale, opened.Referral.RequestId, opened.Referral.CorrelationId)
            .ShouldBe((ReferralStatus.Pending, customer, "ar", "req-9", "corr-o"));
        opened.Operation.ShouldBeOfType<Wolverine.Marten.InsertDoc<Referral>>();
        var invite = opened.Messages.Sent<ReferralTask>().ShouldHaveSingleItem();
        (invite.TaskType, invite.CustomerId, invite.ShopId).ShouldBe((ReferralTask.Invite, customer, ShopId));
        opened.Messages.OptionsOf<ReferralTask>().Single().Headers[KafkaEnvelope.EventTypeHeader].ShouldBe(ReferralTask.EventType);
    }

    [Fact]
    public void Every_status_change_is_audited_with_the_shops_retention_class_and_no_customer()
    {
        var pending = Referral(ReferralStatus.Pending);
        var context = Context("corr-a") with { AuditRetentionDays = 120 };

        var opened = ReferralChanges.Open(context, Guid.NewGuid(), "Zz12Cd34Ef56", "en", "req-a");
        var failed = ReferralChanges.Fail(context, pending, "self_referral");
        var completed = ReferralChanges.Complete(context, pending, 7, Guid.NewGuid(), "done", null, TimeSpan.FromDays(14));

        var created = opened.Messages.Sent<AuditLogged>().ShouldHaveSingleItem();
        (created.FromStatus, created.ToStatus, created.EntityId).ShouldBe((null, "pending", opened.Referral.Id));
        var failure = failed.Messages.Sent<AuditLogged>().ShouldHaveSingleItem();
        (failure.Action, failure.FromStatus, failure.ToStatus, failure.Reason).ShouldBe((AuditLogged.StatusChanged, "pending", "failed", "self_referral"));
        var conversion = completed.Messages.Sent<AuditLogged>().ShouldHaveSingleItem();
        (conversion.ToStatus, conversion.RetentionDays, conversion.CorrelationId, conversion.ShopId).ShouldBe(("completed", 120, "corr-a", ShopId));
        completed.Messages.OptionsOf<AuditLogged>().Single().PartitionKey.ShouldBe(ShopId.ToString());
    }

    [Fact]
    public void Completing_a_referral_that_is_already_completed_is_refused_by_the_status_machine()
    {
        var completed = Referral(ReferralStatus.Completed);

        Should.Throw<IllegalReferralTransitionException>(() =>
            ReferralChanges.Complete(Context(), completed, 1, Guid.NewGuid(), "done", null, TimeSpan.Zero));
    }

    [Fact]
    public void Recording_a_bonus_needs_a_referral_in_its_hold()
    {
        var pending = Referral(ReferralStatus.Pending);
        var rewarded = Referral(ReferralStatus.Rewarded);

        Should.Throw<IllegalReferralTransitionException>(() =>
            ReferralChanges.RecordBonus(Context(), pending, new ReferralBonus("gold", 2, 0), "Completed"));
        Should.Throw<IllegalReferralTransitionException>(() =>
            ReferralChanges.RecordBonus(Context(), rewarded, new ReferralBonus("gold", 2, 0), "Completed"));
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
    public void Two_redacted_referrals_that_shared_a_request_id_no_longer_share_their_idempotency_key()
    {
        var (first, second) = (Referral(customerId: Guid.NewGuid()), Referral(customerId: Guid.NewGuid()));

        var redacted = ReferralChanges.Redact([first, second]).StoredMany<Referral>();

        first.RequestId.ShouldBe(second.RequestId);
        redacted.Select(r => (r.CustomerId, r.RequestId)).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public void The_status_cache_key_is_the_seeds()
    {
        var referral = Guid.Parse("0199a000-0000-7000-8000-000000000001");

        ReferralStatusCache.Key(ShopId, referral).ShouldBe($"referral:{ShopId}:{referral}");
    }
}

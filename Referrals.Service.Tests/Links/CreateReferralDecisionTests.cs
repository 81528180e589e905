extern alias service;

using Grpc.Core;
using service::Referrals.Service.Features.Links;
using service::Referrals.Service.Features.Referrals;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Links;

[Trait("Tier", "Unit")]
public sealed class CreateReferralDecisionTests
{
    private static readonly CreateReferral Command = new(ShopId, Guid.NewGuid(), "he", "req-1");

    [Fact]
    public void A_new_request_opens_a_pending_referral_with_a_link_id_of_twelve_base62_characters()
    {
        var (creation, op, messages) = CreateReferralHandler.Handle(Command, new CreateReferralFacts(null, null), Envelope(), Clock);

        var created = creation.Created.ShouldNotBeNull();
        created.Status.ShouldBe(ReferralStatus.Pending);
        created.ReferralLinkId.ShouldMatch("^[0-9A-Za-z]{12}$");
        op.Stored<Referral>()!.Id.ShouldBe(created.ReferralId);
        messages.Sent<ReferralTask>().ShouldHaveSingleItem().TaskType.ShouldBe(ReferralTask.Invite);
    }

    [Fact]
    public void A_request_id_the_same_customer_sent_before_answers_the_referral_it_made_and_changes_nothing()
    {
        var existing = Referral(ReferralStatus.Completed, customerId: Command.CustomerId);

        var (creation, op, messages) = CreateReferralHandler.Handle(Command, new CreateReferralFacts(null, existing), Envelope(), Clock);

        creation.Created!.ReferralId.ShouldBe(existing.Id);
        creation.Created.Status.ShouldBe(ReferralStatus.Completed);
        op.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_request_id_another_customer_used_opens_a_referral_of_the_callers_own()
    {
        var someoneElses = Referral(ReferralStatus.Pending, customerId: Guid.NewGuid());

        var (creation, op, messages) = CreateReferralHandler.Handle(Command, new CreateReferralFacts(null, someoneElses), Envelope(), Clock);

        var created = creation.Created.ShouldNotBeNull();
        created.ReferralId.ShouldNotBe(someoneElses.Id);
        created.ReferralLinkId.ShouldNotBe(someoneElses.ReferralLinkId);
        var opened = op.Stored<Referral>().ShouldNotBeNull();
        opened.CustomerId.ShouldBe(Command.CustomerId);
        opened.RequestId.ShouldBe(Command.RequestId);
        messages.Sent<ReferralTask>().ShouldHaveSingleItem().CustomerId.ShouldBe(Command.CustomerId);
    }

    [Fact]
    public void A_customer_Core_refused_gets_no_referral_and_the_refusal_as_the_answer()
    {
        var refusal = new Status(StatusCode.NotFound, "not a customer");

        var (creation, op, messages) = CreateReferralHandler.Handle(Command, new CreateReferralFacts(refusal, null), Envelope(), Clock);

        creation.Created.ShouldBeNull();
        creation.Refusal!.Value.StatusCode.ShouldBe(StatusCode.NotFound);
        op.ShouldBeOfType<Wolverine.Marten.NoOp>();
        messages.ShouldBeEmpty();
    }
}

extern alias service;

using service::Referrals.Service.Features.Referrals;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Referrals;

/// <summary>A customers/redact on the referrals, stack-free: the customer goes as referrer and as buyer, the referrals stay.</summary>
[Trait("Tier", "Unit")]
public sealed class RedactionDecisionTests
{
    [Fact]
    public void A_redacted_buyer_is_cleared_from_the_referrals_their_orders_converted_with_the_browser_hash_and_the_referrer_stays()
    {
        var buyer = Guid.NewGuid();
        var bought = Referral(ReferralStatus.Completed) with { BuyerId = buyer, BrowserFingerprint = "hash", OrderId = 7190000950 };

        var redacted = ReferralChanges.Redact([], [bought]).StoredMany<Referral>().ShouldHaveSingleItem();

        (redacted.BuyerId, redacted.BrowserFingerprint).ShouldBe((null, null));
        (redacted.CustomerId, redacted.OrderId, redacted.Status).ShouldBe((bought.CustomerId, bought.OrderId, bought.Status));
    }

    [Fact]
    public void A_customer_who_is_referrer_of_one_referral_and_buyer_of_another_is_cleared_from_both_and_each_is_stored_once()
    {
        var customer = Guid.NewGuid();
        var theirs = Referral(ReferralStatus.Completed, customerId: customer) with { BuyerId = Guid.NewGuid() };
        var bought = Referral(ReferralStatus.Completed) with { BuyerId = customer };
        var both = Referral(ReferralStatus.Failed, customerId: customer) with { BuyerId = customer };

        var redacted = ReferralChanges.Redact([theirs, both], [bought, both]).StoredMany<Referral>();

        redacted.Select(r => r.Id).ShouldBe([theirs.Id, both.Id, bought.Id], ignoreOrder: true);
        redacted.ShouldAllBe(r => r.CustomerId != customer && r.BuyerId != customer);
        redacted.Single(r => r.Id == theirs.Id).BuyerId.ShouldBe(theirs.BuyerId);
    }
}

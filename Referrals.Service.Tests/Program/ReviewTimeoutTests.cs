extern alias service;

using service::Referrals.Service.Features.Conversions;
using service::Referrals.Service.Features.Program;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Translations;
using service::Referrals.Service.Tenancy;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Program;

/// <summary>
/// A review's timeout and its hold are one moment, the referral's hold_until: set when the review begins, the timeout is
/// scheduled for it, and an approval holds the conversion until it (whatever the shop's hold_days say by then).
/// </summary>
[Trait("Tier", "Unit")]
public sealed class ReviewTimeoutTests
{
    private static readonly Guid Referrer = Guid.NewGuid();
    private static readonly Guid Buyer = Guid.NewGuid();
    private static readonly LocalizedText Completed = new("referral.status.completed", "en", "Your referral completed");

    [Fact]
    public void A_conversion_held_for_review_gets_the_shops_hold_as_hold_until_and_its_timeout_is_scheduled_for_that_moment()
    {
        var order = new ConvertOrder(ShopId, "wh-1", 66101, 12, false, false, ["Ab12Cd34Ef56"], null, null, Now.AddSeconds(-1));
        var facts = new ConversionFacts(null, new Shop(ShopId, "dev-shop.myshopify.com", false, true, Now), Referral(customerId: Referrer),
            Buyer, true, Completed, null, default, new FraudVerdict(FraudOutcome.Review, [new RuleVerdict(ReferralReason.Velocity, FraudOutcome.Review)]),
            ProgramSettings.Defaults(ShopId) with { HoldDays = 7 });

        var (_, change, messages) = ConvertOrderHandler.Handle(order, facts, Envelope(), Clock);

        change.Stored<Referral>()!.HoldUntil.ShouldBe(Now.AddDays(7));
        messages.OptionsOf<DecideTimedOutReview>().ShouldHaveSingleItem().ScheduledTime.ShouldBe(Now.AddDays(7));
    }

    [Fact]
    public void An_approved_review_is_held_until_the_hold_until_it_was_given_not_by_the_shops_hold_days_now()
    {
        var held = Referral(ReferralStatus.InProgress, customerId: Referrer) with
        {
            StatusReason = ReferralReason.UnderReview,
            OrderId = 66102,
            BuyerId = Buyer,
            FraudCheckedAt = Now.AddDays(-2),
            HoldUntil = Now.AddDays(5),
        };

        var (_, change, _) = ReviewDecisions.Decide(new ReviewFacts(held, Completed, null, 90, HoldDays: 30), ReviewDecision.Approve,
            ReferralReason.ReviewRejected, Context());

        change.Stored<Referral>()!.HoldUntil.ShouldBe(Now.AddDays(5));
    }
}

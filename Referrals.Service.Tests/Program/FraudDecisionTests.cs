extern alias service;

using System.Text;
using System.Text.Json;
using Referrals.Service.Tests.Infrastructure;
using service::Referrals.Service.Features.Conversions;
using service::Referrals.Service.Features.Program;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Translations;
using service::Referrals.Service.Tenancy;
using static Referrals.Service.Tests.Infrastructure.Decisions;

namespace Referrals.Service.Tests.Program;

/// <summary>The fraud verdict's branch in the conversion, the review decisions and the order fields the rules read, without a stack.</summary>
[Trait("Tier", "Unit")]
public sealed class FraudDecisionTests
{
    private const string Code = "Ab12Cd34Ef56";
    private static readonly Guid Referrer = Guid.NewGuid();
    private static readonly Guid Buyer = Guid.NewGuid();
    private static readonly Shop DevShop = new(ShopId, "dev-shop.myshopify.com", AllowTestOrders: false, Active: true, Now);
    private static readonly LocalizedText Completed = new("referral.status.completed", "en", "Your referral completed");

    private static ConvertOrder Order() =>
        new(ShopId, "wh-1", 66001, 12, false, false, [Code], null, null, Now.AddSeconds(-1)) { BrowserFingerprint = "abc123" };

    private static ConversionFacts Facts(Referral referral, FraudVerdict? fraud, int holdDays = 14) =>
        new(null, DevShop, referral, Buyer, true, Completed, null, default, fraud, ProgramSettings.Defaults(ShopId) with { HoldDays = holdDays });

    private static FraudVerdict Verdict(FraudOutcome outcome, params string[] reasons) =>
        new(outcome, [.. reasons.Select(r => new RuleVerdict(r, outcome))]);

    [Fact]
    public void A_rejecting_rule_fails_the_referral_with_its_reason_and_announces_no_conversion()
    {
        var (processed, change, messages) = ConvertOrderHandler.Handle(Order(),
            Facts(Referral(customerId: Referrer), Verdict(FraudOutcome.Reject, ReferralReason.BelowMinimum)), Envelope(), Clock);

        processed.Stored<service::Referrals.Service.Idempotency.ProcessedEvent>()!.Outcome.ShouldBe(OrderOutcomes.FraudRejected);
        var failed = change.Stored<Referral>()!;
        failed.Status.ShouldBe(ReferralStatus.Failed);
        failed.StatusReason.ShouldBe(ReferralReason.BelowMinimum);
        (failed.OrderId, failed.BuyerId, failed.BrowserFingerprint, failed.FraudCheckedAt).ShouldBe((66001L, (Guid?)Buyer, "abc123", (DateTimeOffset?)Now));
        messages.Sent<ReferralCompleted>().ShouldBeEmpty();
        messages.Sent<DecideTimedOutReview>().ShouldBeEmpty();
    }

    [Fact]
    public void A_review_holds_the_referral_in_progress_with_its_reasons_and_schedules_the_timeout_at_the_end_of_the_hold()
    {
        var referral = Referral(customerId: Referrer);

        var (processed, change, messages) = ConvertOrderHandler.Handle(Order(),
            Facts(referral, Verdict(FraudOutcome.Review, ReferralReason.NotNewCustomer, ReferralReason.Velocity), holdDays: 3), Envelope(), Clock);

        processed.Stored<service::Referrals.Service.Idempotency.ProcessedEvent>()!.Outcome.ShouldBe(OrderOutcomes.HeldForReview);
        var held = change.Stored<Referral>()!;
        held.Status.ShouldBe(ReferralStatus.InProgress);
        held.StatusReason.ShouldBe(ReferralReason.UnderReview);
        held.FraudReasons.ShouldBe([ReferralReason.NotNewCustomer, ReferralReason.Velocity]);
        messages.Sent<ReferralCompleted>().ShouldBeEmpty();
        messages.Sent<DecideTimedOutReview>().ShouldHaveSingleItem().ReferralId.ShouldBe(referral.Id);
        var options = messages.OptionsOf<DecideTimedOutReview>().ShouldHaveSingleItem();
        held.HoldUntil.ShouldBe(Now + TimeSpan.FromDays(3));
        options.ScheduledTime.ShouldBe(held.HoldUntil);
        options.TenantId.ShouldBe(ShopId.ToString());
    }

    [Fact]
    public void A_referral_under_review_takes_no_other_order()
    {
        var underReview = Referral(ReferralStatus.InProgress, customerId: Referrer) with { StatusReason = ReferralReason.UnderReview };

        var (processed, change, _) = ConvertOrderHandler.Handle(Order(), Facts(underReview, FraudVerdict.Passed), Envelope(), Clock);

        processed.Stored<service::Referrals.Service.Idempotency.ProcessedEvent>()!.Outcome.ShouldBe(OrderOutcomes.UnderReview);
        change.Stored<Referral>().ShouldBeNull();
    }

    [Fact]
    public void A_passing_verdict_converts_and_records_the_buyer_for_the_per_buyer_rule()
    {
        var (_, change, messages) = ConvertOrderHandler.Handle(Order(), Facts(Referral(customerId: Referrer), FraudVerdict.Passed), Envelope(), Clock);

        var completed = change.Stored<Referral>()!;
        completed.Status.ShouldBe(ReferralStatus.Completed);
        completed.BuyerId.ShouldBe(Buyer);
        messages.Sent<ReferralCompleted>().ShouldHaveSingleItem();
    }

    private static Referral UnderReview() =>
        Referral(ReferralStatus.InProgress, customerId: Referrer) with
        {
            StatusReason = ReferralReason.UnderReview,
            OrderId = 66002,
            BuyerId = Buyer,
            FraudReasons = [ReferralReason.Velocity],
        };

    [Fact]
    public void Approving_a_review_completes_the_referral_and_announces_the_conversion()
    {
        var (answer, change, messages) = ReviewDecisions.Decide(new ReviewFacts(UnderReview(), Completed, null, 90),
            ReviewDecision.Approve, ReferralReason.ReviewRejected, Context());

        answer.Answer.ShouldBe(ReviewAnswer.Decided);
        change.Stored<Referral>()!.Status.ShouldBe(ReferralStatus.Completed);
        messages.Sent<ReferralCompleted>().ShouldHaveSingleItem();
        messages.Sent<ReferralTask>().ShouldHaveSingleItem().CustomerId.ShouldBe(Buyer);
    }

    [Fact]
    public void Rejecting_a_review_fails_the_referral_with_review_rejected()
    {
        var (answer, change, messages) = ReviewDecisions.Decide(new ReviewFacts(UnderReview(), null, null, 90),
            ReviewDecision.Reject, ReferralReason.ReviewRejected, Context());

        answer.Answer.ShouldBe(ReviewAnswer.Decided);
        var rejected = change.Stored<Referral>()!;
        (rejected.Status, rejected.StatusReason).ShouldBe((ReferralStatus.Failed, ReferralReason.ReviewRejected));
        messages.Sent<ReferralCompleted>().ShouldBeEmpty();
    }

    [Fact]
    public void A_second_decision_changes_nothing()
    {
        var decided = UnderReview() with { Status = ReferralStatus.Completed, StatusReason = "order 66002" };

        var (answer, change, messages) = ReviewDecisions.Decide(new ReviewFacts(decided, Completed, null, 90),
            ReviewDecision.Reject, ReferralReason.ReviewRejected, Context());
        var (missing, _, _) = ReviewDecisions.Decide(new ReviewFacts(null, null, null, 90), ReviewDecision.Approve, ReferralReason.ReviewRejected, Context());

        answer.Answer.ShouldBe(ReviewAnswer.NotUnderReview);
        change.Stored<Referral>().ShouldBeNull();
        messages.ShouldBeEmpty();
        missing.Answer.ShouldBe(ReviewAnswer.NotFound);
    }

    [Theory]
    [InlineData(ReviewTimeout.Approve, ReferralStatus.Completed)]
    [InlineData(ReviewTimeout.Reject, ReferralStatus.Failed)]
    public void A_review_nobody_decided_by_the_end_of_the_hold_is_decided_by_the_shops_timeout(ReviewTimeout timeout, ReferralStatus expected)
    {
        var (change, _) = DecideTimedOutReviewHandler.Handle(new DecideTimedOutReview(ShopId, Guid.NewGuid()),
            new ReviewFacts(UnderReview(), Completed, null, 90, timeout), Envelope(), Clock);

        change.Stored<Referral>()!.Status.ShouldBe(expected);
    }

    [Fact]
    public void Blocking_an_advocate_rejects_their_pending_reviews_with_advocate_blocked()
    {
        var pending = UnderReview();

        var (view, block, rejected, _) = BlockAdvocateHandler.Handle(new BlockAdvocate(ShopId, Referrer, true), new BlockFacts([pending], 90),
            Envelope(), Clock);

        view.RejectedReferrals.ShouldBe([pending.Id]);
        block.Stored<BlockedAdvocate>()!.Id.ShouldBe(Referrer);
        var failed = rejected.StoredMany<Referral>().ShouldHaveSingleItem();
        (failed.Status, failed.StatusReason).ShouldBe((ReferralStatus.Failed, ReferralReason.AdvocateBlocked));
    }

    [Fact]
    public void The_order_fields_the_rules_read_are_parsed_loosely_and_only_the_browser_hash_reaches_the_conversion()
    {
        var order = ShopifyOrder.Parse(Encoding.UTF8.GetBytes("""
            {"id": 66003, "subtotal_price": "45.50", "total_discounts": 4.5, "currency": "usd", "browser_ip": "203.0.113.9",
             "client_details": {"user_agent": "Mozilla/5.0 (X11)", "browser_ip": "203.0.113.9"}, "customer": {"id": 42, "orders_count": 3}}
            """)).Order.ShouldNotBeNull();
        var odd = ShopifyOrder.Parse(Encoding.UTF8.GetBytes("""
            {"id": 66004, "subtotal_price": {"amount": 1}, "total_discounts": "n/a", "currency": 7, "browser_ip": null,
             "client_details": "none", "customer": {"id": 42, "orders_count": "many"}}
            """)).Order.ShouldNotBeNull();

        var convert = order.ToConvertOrder(ShopId, "wh-1", Now, new BrowserFingerprints("salt"u8.ToArray()));
        var oddConvert = odd.ToConvertOrder(ShopId, "wh-2", Now, new BrowserFingerprints("salt"u8.ToArray()));

        (convert.Subtotal, convert.TotalDiscounts, convert.Currency, convert.BuyerOrdersCount).ShouldBe((45.50m, 4.5m, "USD", 3));
        convert.BrowserFingerprint.ShouldNotBeNull();
        var json = JsonSerializer.Serialize(convert);
        json.ShouldNotContain("203.0.113.9");
        json.ShouldNotContain("Mozilla");
        (oddConvert.Subtotal, oddConvert.TotalDiscounts, oddConvert.Currency, oddConvert.BuyerOrdersCount, oddConvert.BrowserFingerprint)
            .ShouldBe((null, null, null, null, null));
    }
}

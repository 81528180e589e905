extern alias service;

using service::Referrals.Service.Features.Program;
using service::Referrals.Service.Features.Referrals;

namespace Referrals.Service.Tests.Program;

/// <summary>Every fraud rule, on and off, and their combination, in <see cref="FraudCheck"/>'s pure decision.</summary>
[Trait("Tier", "Unit")]
public sealed class FraudCheckTests
{
    private static readonly FraudFacts Clean = FraudFacts.Clean;

    [Fact]
    public void With_every_rule_off_even_the_most_suspicious_order_passes()
    {
        var suspicious = new FraudFacts(false, 40, 1m, 0m, "USD", 1000, true, 1000);

        var verdict = FraudCheck.Judge(FraudRules.None, suspicious);

        verdict.Outcome.ShouldBe(FraudOutcome.Pass);
        verdict.Reasons.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(FraudAction.Reject, FraudOutcome.Reject)]
    [InlineData(FraudAction.Review, FraudOutcome.Review)]
    public void A_returning_buyer_hits_the_new_customers_rule_with_its_action(FraudAction action, FraudOutcome expected)
    {
        var rules = FraudRules.None with { NewCustomersOnly = action };

        var returning = FraudCheck.Judge(rules, Clean with { BuyerOrderCount = 2 });
        var first = FraudCheck.Judge(rules, Clean with { BuyerOrderCount = 1 });
        var unknown = FraudCheck.Judge(rules, Clean with { BuyerOrderCount = null });

        returning.Outcome.ShouldBe(expected);
        returning.Reasons.ShouldBe([ReferralReason.NotNewCustomer]);
        first.Outcome.ShouldBe(FraudOutcome.Pass);
        unknown.Outcome.ShouldBe(FraudOutcome.Pass);
    }

    [Theory]
    [InlineData(true, "45.00", "10.00", FraudOutcome.Reject)] // after discounts: 45 < 50
    [InlineData(false, "45.00", "10.00", FraudOutcome.Pass)]  // before discounts: 45 + 10 = 55 ≥ 50
    [InlineData(true, "50.00", "0", FraudOutcome.Pass)]       // at the minimum
    public void An_order_below_its_currencys_minimum_hits_the_minimum_subtotal_rule(bool afterDiscounts, string subtotal, string discounts,
        FraudOutcome expected)
    {
        var rules = FraudRules.None with
        {
            MinimumSubtotal = new MinimumSubtotalRule(FraudAction.Reject, afterDiscounts, [new CurrencyMinimum("USD", 50m), new CurrencyMinimum("EUR", 500m)]),
        };

        var verdict = FraudCheck.Judge(rules, Clean with
        {
            Subtotal = decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture),
            TotalDiscounts = decimal.Parse(discounts, System.Globalization.CultureInfo.InvariantCulture),
            Currency = "USD"
        });

        verdict.Outcome.ShouldBe(expected);
        if (expected != FraudOutcome.Pass)
            verdict.Reasons.ShouldBe([ReferralReason.BelowMinimum]);
    }

    [Fact]
    public void An_order_in_a_currency_without_a_minimum_or_without_a_subtotal_passes_the_minimum_subtotal_rule()
    {
        var rules = FraudRules.None with { MinimumSubtotal = new MinimumSubtotalRule(FraudAction.Reject, true, [new CurrencyMinimum("USD", 50m)]) };

        FraudCheck.Judge(rules, Clean with { Subtotal = 1m, Currency = "ILS" }).Outcome.ShouldBe(FraudOutcome.Pass);
        FraudCheck.Judge(rules, Clean with { Subtotal = null, Currency = "USD" }).Outcome.ShouldBe(FraudOutcome.Pass);
        FraudCheck.Judge(rules, Clean with { Subtotal = 1m, Currency = "usd" }).Outcome.ShouldBe(FraudOutcome.Reject);
    }

    [Fact]
    public void An_advocate_at_their_cap_in_the_period_hits_the_advocate_cap_rule()
    {
        var rules = FraudRules.None with { AdvocateCap = new AdvocateCapRule(FraudAction.Review, MaxConversions: 3, PeriodDays: 30) };

        var atCap = FraudCheck.Judge(rules, Clean with { AdvocateConversionsInPeriod = 3 });
        var below = FraudCheck.Judge(rules, Clean with { AdvocateConversionsInPeriod = 2 });

        atCap.Outcome.ShouldBe(FraudOutcome.Review);
        atCap.Reasons.ShouldBe([ReferralReason.AdvocateCapReached]);
        below.Outcome.ShouldBe(FraudOutcome.Pass);
    }

    [Fact]
    public void A_buyer_who_converted_another_referral_hits_the_one_referral_per_buyer_rule()
    {
        var rules = FraudRules.None with { OneReferralPerBuyer = FraudAction.Reject };

        var again = FraudCheck.Judge(rules, Clean with { BuyerConvertedAnotherReferral = true });
        var first = FraudCheck.Judge(rules, Clean);

        again.Outcome.ShouldBe(FraudOutcome.Reject);
        again.Reasons.ShouldBe([ReferralReason.BuyerAlreadyReferred]);
        first.Outcome.ShouldBe(FraudOutcome.Pass);
    }

    [Fact]
    public void A_browser_past_its_orders_in_the_window_hits_the_velocity_rule()
    {
        var rules = FraudRules.None with { Velocity = new VelocityRule(FraudAction.Review, MaxOrders: 2, WindowHours: 24) };

        var third = FraudCheck.Judge(rules, Clean with { SameBrowserOrdersInWindow = 2 });
        var second = FraudCheck.Judge(rules, Clean with { SameBrowserOrdersInWindow = 1 });

        third.Outcome.ShouldBe(FraudOutcome.Review);
        third.Reasons.ShouldBe([ReferralReason.Velocity]);
        second.Outcome.ShouldBe(FraudOutcome.Pass);
    }

    [Fact]
    public void A_reject_wins_over_a_review_and_names_only_the_rejecting_rules()
    {
        var rules = FraudRules.None with
        {
            NewCustomersOnly = FraudAction.Review,
            OneReferralPerBuyer = FraudAction.Reject,
            Velocity = new VelocityRule(FraudAction.Review, 1, 24),
        };

        var verdict = FraudCheck.Judge(rules, Clean with { BuyerOrderCount = 5, BuyerConvertedAnotherReferral = true, SameBrowserOrdersInWindow = 1 });

        verdict.Outcome.ShouldBe(FraudOutcome.Reject);
        verdict.Reasons.ShouldBe([ReferralReason.BuyerAlreadyReferred]);
        verdict.Rules.Count.ShouldBe(3);
    }

    [Fact]
    public void Several_reviews_name_every_rule_that_asked_for_one()
    {
        var rules = FraudRules.None with { NewCustomersOnly = FraudAction.Review, Velocity = new VelocityRule(FraudAction.Review, 1, 24) };

        var verdict = FraudCheck.Judge(rules, Clean with { BuyerOrderCount = 5, SameBrowserOrdersInWindow = 1 });

        verdict.Outcome.ShouldBe(FraudOutcome.Review);
        verdict.Reasons.ShouldBe([ReferralReason.NotNewCustomer, ReferralReason.Velocity]);
    }

    [Fact]
    public void A_blocked_advocate_is_rejected_whatever_the_rules()
    {
        var verdict = FraudCheck.Judge(FraudRules.None, Clean with { AdvocateBlocked = true });

        verdict.Outcome.ShouldBe(FraudOutcome.Reject);
        verdict.Reasons.ShouldBe([ReferralReason.AdvocateBlocked]);
    }

    [Fact]
    public void The_browser_fingerprint_is_a_salted_hash_that_never_contains_the_ip_or_user_agent()
    {
        var shop = Guid.NewGuid();
        var fingerprints = new BrowserFingerprints("salt-a"u8.ToArray());

        var hash = fingerprints.Of(shop, "203.0.113.9", "Mozilla/5.0 (X11)");

        hash.ShouldNotBeNull();
        hash.ShouldNotContain("203.0.113.9");
        hash.ShouldNotContain("Mozilla");
        fingerprints.Of(shop, "203.0.113.9", "Mozilla/5.0 (X11)").ShouldBe(hash);
        new BrowserFingerprints("salt-b"u8.ToArray()).Of(shop, "203.0.113.9", "Mozilla/5.0 (X11)").ShouldNotBe(hash);
        fingerprints.Of(Guid.NewGuid(), "203.0.113.9", "Mozilla/5.0 (X11)").ShouldNotBe(hash);
        fingerprints.Of(shop, null, "Mozilla/5.0 (X11)").ShouldBeNull();
        new BrowserFingerprints(null).Of(shop, "203.0.113.9", "Mozilla/5.0 (X11)").ShouldBeNull();
    }
}

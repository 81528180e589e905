using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Program;

/// <summary>
/// Each fraud rule on the stack, as a shop's merchant sets it: signed orders that hit it are rejected (failed with the
/// rule's reason code) or held for review (in_progress, under_review), and an order that does not hit it converts.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class FraudRuleTests(ReferralsApp app)
{
    private static object Rule(string rule, string action) => rule switch
    {
        "new_customers_only" => new { fraud = new { new_customers_only = action } },
        "minimum_subtotal" => new { fraud = new { minimum_subtotal = new { action, after_discounts = true, minimums = new[] { new { currency = "USD", amount = 100m } } } } },
        "advocate_cap" => new { fraud = new { advocate_cap = new { action, max_conversions = 1, period_days = 30 } } },
        "one_referral_per_buyer" => new { fraud = new { one_referral_per_buyer = action } },
        "velocity" => new { fraud = new { velocity = new { action, max_orders = 1, window_hours = 24 } } },
        _ => throw new ArgumentOutOfRangeException(nameof(rule)),
    };

    [Theory]
    [InlineData("new_customers_only", "reject", "not_new_customer", 106600)]
    [InlineData("new_customers_only", "review", "not_new_customer", 106604)]
    [InlineData("minimum_subtotal", "reject", "below_minimum", 106610)]
    [InlineData("minimum_subtotal", "review", "below_minimum", 106614)]
    [InlineData("advocate_cap", "reject", "advocate_cap_reached", 106620)]
    [InlineData("advocate_cap", "review", "advocate_cap_reached", 106624)]
    [InlineData("one_referral_per_buyer", "reject", "buyer_already_referred", 106630)]
    [InlineData("one_referral_per_buyer", "review", "buyer_already_referred", 106634)]
    [InlineData("velocity", "reject", "velocity", 106640)]
    [InlineData("velocity", "review", "velocity", 106644)]
    public async Task An_order_that_hits_a_rule_gets_the_rules_action_and_reason_while_a_clean_one_converts(string rule, string action,
        string reason, long customers)
    {
        var ct = TestContext.Current.CancellationToken;
        long advocate = customers, otherAdvocate = customers + 1, buyer = customers + 2, otherBuyer = customers + 3;
        var userAgent = $"Mozilla/5.0 velocity-{Guid.NewGuid():N}";
        await using var settings = await app.ProgramSettingsAsync(Rule(rule, action), ct);
        var first = await app.LinkOfAsync(advocate, ct);
        var second = await app.LinkOfAsync(rule == "advocate_cap" ? advocate : otherAdvocate, ct);

        // The clean order: the first of its advocate, buyer and browser, new, above the minimum.
        var clean = await app.ConvertAsync(ProgramFlow.Order(buyer, first.LinkId, userAgent: userAgent), ct);
        var suspicious = await app.ConvertAsync(rule switch
        {
            "new_customers_only" => ProgramFlow.Order(otherBuyer, second.LinkId, ordersCount: 4),
            "minimum_subtotal" => ProgramFlow.Order(otherBuyer, second.LinkId, subtotal: "45.00"),
            "advocate_cap" => ProgramFlow.Order(otherBuyer, second.LinkId),
            "one_referral_per_buyer" => ProgramFlow.Order(buyer, second.LinkId),
            _ => ProgramFlow.Order(otherBuyer, second.LinkId, userAgent: userAgent),
        }, ct);

        clean.ShouldBe("converted");
        (await app.ReferralAsync(ProgramFlow.Shop.Id, first.ReferralId, ct))!.Status.ShouldBe("completed");
        var judged = (await app.ReferralAsync(ProgramFlow.Shop.Id, second.ReferralId, ct))!;
        if (action == "reject")
        {
            suspicious.ShouldBe("fraud_rejected");
            (judged.Status, judged.StatusReason).ShouldBe(("failed", reason));
        }
        else
        {
            suspicious.ShouldBe("held_for_review");
            (judged.Status, judged.StatusReason).ShouldBe(("in_progress", "under_review"));
            (await app.ReviewReasonsAsync(second.ReferralId, ct)).ShouldBe([reason]);
        }
    }

    [Fact]
    public async Task Without_shopifys_orders_count_the_new_customers_rule_asks_cores_frequency()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var settings = await app.ProgramSettingsAsync(Rule("new_customers_only", "reject"), ct);
        var returningLink = await app.LinkOfAsync(106650, ct);
        var newLink = await app.LinkOfAsync(106651, ct);

        // The Core stub's frequency of customer n is n % 12 + 1: 106609 has 2 orders, 106608 one.
        var returning = await app.ConvertAsync(ProgramFlow.Order(106609, returningLink.LinkId, ordersCount: null), ct);
        var first = await app.ConvertAsync(ProgramFlow.Order(106608, newLink.LinkId, ordersCount: null), ct);

        returning.ShouldBe("fraud_rejected");
        (await app.ReferralAsync(ProgramFlow.Shop.Id, returningLink.ReferralId, ct))!.StatusReason.ShouldBe("not_new_customer");
        first.ShouldBe("converted");
    }

    [Fact]
    public async Task With_every_rule_off_the_suspicious_orders_convert()
    {
        var ct = TestContext.Current.CancellationToken;
        var link = await app.LinkOfAsync(106652, ct);

        var outcome = await app.ConvertAsync(ProgramFlow.Order(106653, link.LinkId, subtotal: "1.00", ordersCount: 40), ct);

        outcome.ShouldBe("converted");
    }
}

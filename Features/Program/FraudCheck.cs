using Referrals.Service.Features.Referrals;

namespace Referrals.Service.Features.Program;

/// <summary>
/// What the fraud rules judge an order by, loaded before the decision (only what the shop's rules on need; a count
/// nobody needs stays 0). <see cref="BuyerOrderCount"/>: Shopify's orders_count, else Core's frequency, else null
/// (unknown: the new-customers rule passes). <see cref="Subtotal"/>: Shopify's subtotal_price (after discounts).
/// </summary>
public sealed record FraudFacts(
    bool AdvocateBlocked,
    int? BuyerOrderCount,
    decimal? Subtotal,
    decimal? TotalDiscounts,
    string? Currency,
    int AdvocateConversionsInPeriod,
    bool BuyerConvertedAnotherReferral,
    int SameBrowserOrdersInWindow)
{
    public static readonly FraudFacts Clean = new(false, null, null, null, null, 0, false, 0);
}

public enum FraudOutcome { Pass, Review, Reject }

/// <summary>One rule's verdict and its reason code.</summary>
public sealed record RuleVerdict(string Reason, FraudOutcome Outcome);

/// <summary>The order's verdict: reject wins over review, review over pass; <see cref="Reasons"/> are the codes of the rules that decided it.</summary>
public sealed record FraudVerdict(FraudOutcome Outcome, IReadOnlyList<RuleVerdict> Rules)
{
    public static readonly FraudVerdict Passed = new(FraudOutcome.Pass, []);

    public IReadOnlyList<string> Reasons => [.. Rules.Where(r => r.Outcome == Outcome && Outcome != FraudOutcome.Pass).Select(r => r.Reason)];
}

/// <summary>
/// The fraud decision, pure: a shop's rules and an order's facts in, each rule's pass/review/reject with its
/// <see cref="ReferralReason"/> code out. A blocked advocate is always a reject (<c>advocate_blocked</c>), whatever the rules.
/// </summary>
public static class FraudCheck
{
    public static FraudVerdict Judge(FraudRules rules, FraudFacts facts)
    {
        List<RuleVerdict> verdicts = [];
        if (facts.AdvocateBlocked)
            verdicts.Add(new RuleVerdict(ReferralReason.AdvocateBlocked, FraudOutcome.Reject));
        Check(verdicts, rules.NewCustomersOnly, ReferralReason.NotNewCustomer, facts.BuyerOrderCount > 1);
        Check(verdicts, rules.MinimumSubtotal.Action, ReferralReason.BelowMinimum, IsBelowMinimum(rules.MinimumSubtotal, facts));
        Check(verdicts, rules.AdvocateCap.Action, ReferralReason.AdvocateCapReached,
            facts.AdvocateConversionsInPeriod >= rules.AdvocateCap.MaxConversions);
        Check(verdicts, rules.OneReferralPerBuyer, ReferralReason.BuyerAlreadyReferred, facts.BuyerConvertedAnotherReferral);
        Check(verdicts, rules.Velocity.Action, ReferralReason.Velocity, facts.SameBrowserOrdersInWindow >= rules.Velocity.MaxOrders);

        var outcome = verdicts.Count == 0 ? FraudOutcome.Pass : verdicts.Max(v => v.Outcome);
        return new FraudVerdict(outcome, verdicts);
    }

    private static void Check(List<RuleVerdict> verdicts, FraudAction action, string reason, bool hit)
    {
        if (action != FraudAction.Off && hit)
            verdicts.Add(new RuleVerdict(reason, action == FraudAction.Reject ? FraudOutcome.Reject : FraudOutcome.Review));
    }

    // An order without a subtotal or currency cannot be compared: it passes (a missing field never fails the order).
    private static bool IsBelowMinimum(MinimumSubtotalRule rule, FraudFacts facts)
    {
        if (facts is not { Subtotal: { } subtotal, Currency: { } currency })
            return false;
        var minimum = rule.Minimums.FirstOrDefault(m => string.Equals(m.Currency, currency, StringComparison.OrdinalIgnoreCase));
        if (minimum is null)
            return false;
        // Shopify's subtotal_price is after discounts (before shipping and taxes); before discounts adds total_discounts back.
        var compared = rule.AfterDiscounts ? subtotal : subtotal + (facts.TotalDiscounts ?? 0);
        return compared < minimum.Amount;
    }
}

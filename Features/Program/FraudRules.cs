namespace Referrals.Service.Features.Program;

/// <summary>
/// The fraud rules of a shop's program. <see cref="None"/>: every rule off. Each rule, when on, names what a hit does
/// (<see cref="FraudAction"/>); <see cref="FraudCheck"/> judges an order against them.
/// </summary>
public sealed record FraudRules
{
    public static readonly FraudRules None = new();

    /// <summary>
    /// Only a buyer's first order converts: Shopify's <c>customer.orders_count</c> on the order wins when the webhook
    /// carries it (counted by the shop at order time); without it, Core's <c>frequency</c> (which may lag the order) is asked.
    /// At most one order (this one) is new.
    /// </summary>
    public FraudAction NewCustomersOnly { get; init; } = FraudAction.Off;

    public MinimumSubtotalRule MinimumSubtotal { get; init; } = MinimumSubtotalRule.Off;

    public AdvocateCapRule AdvocateCap { get; init; } = AdvocateCapRule.Off;

    /// <summary>A buyer converts at most one referral of the shop (same-buyer-many-links).</summary>
    public FraudAction OneReferralPerBuyer { get; init; } = FraudAction.Off;

    public VelocityRule Velocity { get; init; } = VelocityRule.Off;
}

/// <summary>What a rule's hit does to the conversion. Off: the rule is not checked.</summary>
public enum FraudAction { Off, Reject, Review }

/// <summary>
/// An order below the shop's minimum for its currency does not convert. <see cref="AfterDiscounts"/>: Shopify's
/// subtotal_price (after discounts, before shipping and taxes) is compared; else that plus total_discounts (before
/// discounts). A currency without a minimum passes; so does an order without a subtotal or currency.
/// </summary>
public sealed record MinimumSubtotalRule(FraudAction Action, bool AfterDiscounts, IReadOnlyList<CurrencyMinimum> Minimums)
{
    public static readonly MinimumSubtotalRule Off = new(FraudAction.Off, AfterDiscounts: true, []);
}

public sealed record CurrencyMinimum(string Currency, decimal Amount);

/// <summary>An advocate converts at most <see cref="MaxConversions"/> referrals in any rolling <see cref="PeriodDays"/> days.</summary>
public sealed record AdvocateCapRule(FraudAction Action, int MaxConversions, int PeriodDays)
{
    public static readonly AdvocateCapRule Off = new(FraudAction.Off, 10, 30);
}

/// <summary>
/// At most <see cref="MaxOrders"/> referred orders from one browser (the salted hash of its IP and user agent) in any
/// rolling <see cref="WindowHours"/> hours; the next one is a hit.
/// </summary>
public sealed record VelocityRule(FraudAction Action, int MaxOrders, int WindowHours)
{
    public static readonly VelocityRule Off = new(FraudAction.Off, 3, 24);
}

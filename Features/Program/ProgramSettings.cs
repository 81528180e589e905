namespace Referrals.Service.Features.Program;

/// <summary>
/// A shop's referral program rules (one per shop; id = tenant id = shop_id). A shop without a document runs on
/// <see cref="Defaults"/>. Merchants change it through the program settings routes; every change is audited.
/// </summary>
public sealed record ProgramSettings(Guid Id, DateTimeOffset UpdatedAt)
{
    public const int DefaultHoldDays = 14;
    public const double DefaultMinRefundFractionToReverse = 0.5;

    /// <summary>Days a conversion waits (the return window) before it qualifies and the reward is due. 0: at once.</summary>
    public int HoldDays { get; init; } = DefaultHoldDays;

    /// <summary>A refund of at least this fraction of the order's subtotal reverses its conversion; a smaller one does not.</summary>
    public double MinRefundFractionToReverse { get; init; } = DefaultMinRefundFractionToReverse;

    /// <summary>What happens to a conversion held for review that no merchant decided before its hold ended.</summary>
    public ReviewTimeout ReviewTimeout { get; init; } = ReviewTimeout.Approve;

    /// <summary>The fraud rules a conversion must pass (<see cref="FraudRules"/>).</summary>
    public FraudRules Fraud { get; init; } = FraudRules.None;

    /// <summary>Bonus points at an advocate's Nth qualified referral (<see cref="Features.Referrals.MilestoneRule"/>), by count, ascending. None by default.</summary>
    public IReadOnlyList<Milestone> Milestones { get; init; } = [];

    public static ProgramSettings Defaults(Guid shopId) => new(shopId, DateTimeOffset.MinValue);
}

public enum ReviewTimeout { Approve, Reject }

/// <summary>A milestone bonus: <see cref="Points"/> when an advocate's <see cref="Qualified"/>-th referral qualifies.</summary>
public sealed record Milestone(int Qualified, int Points);

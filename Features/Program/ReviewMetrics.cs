using System.Diagnostics.Metrics;

namespace Referrals.Service.Features.Program;

/// <summary>How a review ended (`referrals_review_decisions_total{outcome}`).</summary>
public static class ReviewOutcomes
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    /// <summary>No merchant decided by hold_until: the shop's review_timeout approved or rejected it.</summary>
    public const string TimedOut = "timed_out";
    /// <summary>Blocking the advocate rejected it.</summary>
    public const string AdvocateBlocked = "advocate_blocked";
}

/// <summary>Count a review's decision once its transaction committed (in memory; a retried handler counts once).</summary>
public sealed record CountReviewDecision(string Outcome);

/// <summary>`referrals_review_decisions_total{outcome}`: every decided review, by who or what decided it.</summary>
public sealed class ReviewMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Reviews";

    private readonly Counter<long> _decisions = meters.Create(MeterName).CreateCounter<long>("referrals_review_decisions",
        description: "Decided reviews of held conversions, by outcome (approved, rejected, timed_out, advocate_blocked)");

    public void Decision(string outcome) => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}

public static class CountReviewDecisionHandler
{
    public static void Handle(CountReviewDecision count, ReviewMetrics metrics) => metrics.Decision(count.Outcome);
}

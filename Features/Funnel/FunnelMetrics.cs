using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Referrals.Service.Features.Funnel;

/// <summary>
/// `referrals_funnel_total{stage}` (rejected: `reason`; reversed: `after` = hold | qualification). One counter with a
/// stage label, so that PromQL compares the stages of one family (`sum by (stage)`); no shop label (cardinality: the
/// per-shop numbers are GET /shops/{id}/funnel).
/// </summary>
public sealed class FunnelMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Funnel";

    private readonly Counter<long> _steps = meters.Create(MeterName).CreateCounter<long>("referrals_funnel",
        description: "Referral funnel steps, by stage (rejected by reason, reversed by phase)");

    public void Count(FunnelStep step)
    {
        var tags = new TagList { { "stage", step.Stage } };
        if (step.Reason is { } reason)
            tags.Add("reason", reason);
        if (step.After is { } after)
            tags.Add("after", after);
        _steps.Add(1, tags);
    }
}

public static class CountFunnelStepsHandler
{
    public static void Handle(CountFunnelSteps count, FunnelMetrics metrics)
    {
        foreach (var step in count.Steps)
            metrics.Count(step);
    }
}

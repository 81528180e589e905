using System.Diagnostics.Metrics;

namespace Referrals.Service.Features.Reversals;

/// <summary>Count a reversal's outcome once its transaction committed (in memory; a retried handler counts once).</summary>
public sealed record CountReversal(string Outcome);

/// <summary>`referrals_reversals_total{outcome}`: every processed orders/cancelled and refunds/create webhook.</summary>
public sealed class ReversalMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Reversals";

    private readonly Counter<long> _reversals = meters.Create(MeterName)
        .CreateCounter<long>("referrals_reversals", description: "Processed orders/cancelled and refunds/create webhooks, by outcome");

    public void Reversal(string outcome) => _reversals.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}

public static class CountReversalHandler
{
    public static void Handle(CountReversal count, ReversalMetrics metrics) => metrics.Reversal(count.Outcome);
}

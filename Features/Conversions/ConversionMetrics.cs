using System.Diagnostics.Metrics;
using Referrals.Service.Observability;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// Count an order's outcome. Cascaded by <see cref="ConvertOrderHandler"/> and handled in memory once its
/// transaction committed, so an order whose handler was retried counts once.
/// </summary>
public sealed record CountOrderOutcome(string Outcome);

/// <summary>`referrals_orders_total{outcome}`: every processed orders/create webhook, referred or not.</summary>
public sealed class ConversionMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Conversions";

    private readonly Counter<long> _orders = meters.Create(MeterName)
        .CreateCounter<long>("referrals_orders", description: "Processed orders/create webhooks, by outcome");

    public void Order(string outcome) => _orders.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}

public static class CountOrderOutcomeHandler
{
    public static void Handle(CountOrderOutcome count, ConversionMetrics metrics, ErrorMetrics errors)
    {
        metrics.Order(count.Outcome);
        if (OrderOutcomes.IsError(count.Outcome))
            errors.Count(count.Outcome);
    }
}

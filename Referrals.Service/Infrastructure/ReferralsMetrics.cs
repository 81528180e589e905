using System.Diagnostics.Metrics;

namespace Referrals.Service.Infrastructure;

/// <summary>
/// The seed's metric names (Prometheus adds `_total` to counters): referrals_conversions_total{status,locale},
/// referrals_errors_total{error_type}, referrals_rate_limit_exceeded_total, plus referrals_orders_total{outcome}
/// so that orders without a referral are counted too.
/// </summary>
public sealed class ReferralsMetrics : IDisposable
{
    public const string MeterName = "Referrals.Service";

    private readonly Meter _meter;
    private readonly Counter<long> _conversions;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _rateLimitExceeded;
    private readonly Counter<long> _orders;

    public ReferralsMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _conversions = _meter.CreateCounter<long>("referrals_conversions", description: "Referrals that reached a conversion outcome, by resulting status and locale");
        _errors = _meter.CreateCounter<long>("referrals_errors", description: "Rejected or failed inputs, by error type");
        _rateLimitExceeded = _meter.CreateCounter<long>("referrals_rate_limit_exceeded", description: "Webhooks refused by the per-shop or per-IP rate limit");
        _orders = _meter.CreateCounter<long>("referrals_orders", description: "Processed orders/create webhooks, by outcome");
    }

    public void Conversion(string status, string locale) =>
        _conversions.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("locale", locale));

    public void Error(string errorType) => _errors.Add(1, new KeyValuePair<string, object?>("error_type", errorType));

    public void RateLimitExceeded(string scope) => _rateLimitExceeded.Add(1, new KeyValuePair<string, object?>("scope", scope));

    public void Order(string outcome) => _orders.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();
}

using System.Diagnostics.Metrics;

namespace Referrals.Service.Observability;

/// <summary>
/// `referrals_errors_total{error_type}` (the seed's name; Prometheus adds `_total`): every refused input and every
/// failure, whichever part of the service met it — a webhook refusal, a dead letter, an order naming an unknown code.
/// </summary>
public sealed class ErrorMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Errors";

    private readonly Counter<long> _errors = meters.Create(MeterName)
        .CreateCounter<long>("referrals_errors", description: "Rejected or failed inputs, by error type");

    public void Count(string errorType) => _errors.Add(1, new KeyValuePair<string, object?>("error_type", errorType));
}

using System.Diagnostics.Metrics;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// Count a referral's new status in `referrals_conversions_total{status,locale}`. Cascaded by every
/// <see cref="ReferralChanges"/> operation and handled in memory once the change committed, so a handler that was
/// retried (a concurrency conflict, a transient failure) counts its change once.
/// </summary>
public sealed record CountReferralStatus(string Status, string Locale);

/// <summary>`referrals_conversions_total{status,locale}` (the seed's name; Prometheus adds `_total`).</summary>
public sealed class ReferralMetrics(IMeterFactory meters)
{
    public const string MeterName = "Referrals.Referrals";

    private readonly Counter<long> _conversions = meters.Create(MeterName).CreateCounter<long>("referrals_conversions",
        description: "Referrals that reached a conversion outcome, by resulting status and locale");

    private readonly Counter<long> _qualifications = meters.Create(MeterName).CreateCounter<long>("referrals_qualifications",
        description: "Ends of conversion holds, by outcome (qualified, not_held, unknown_referral, early)");

    public void Qualification(string outcome) => _qualifications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Count(string status, string locale) =>
        _conversions.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("locale", locale));
}

public static class CountReferralStatusHandler
{
    public static void Handle(CountReferralStatus count, ReferralMetrics metrics) => metrics.Count(count.Status, count.Locale);
}

/// <summary>Count a qualification's outcome once its transaction committed (in memory, like the status count).</summary>
public sealed record CountQualification(string Outcome);

public static class CountQualificationHandler
{
    public static void Handle(CountQualification count, ReferralMetrics metrics) => metrics.Qualification(count.Outcome);
}

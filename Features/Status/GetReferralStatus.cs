using System.Diagnostics;
using System.Diagnostics.Metrics;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Features.Translations;

namespace Referrals.Service.Features.StatusReads;

/// <summary>The status of one referral of a shop, described in a locale (en when the locale is not supported).</summary>
public sealed record GetReferralStatus(Guid ShopId, Guid ReferralId, string Locale);

/// <param name="Reason">A <see cref="ReferralReason"/> code, with its text in <paramref name="ReasonDescription"/>; null: none.</param>
/// <param name="Reward">The reward of a converted referral (its VIP-tier bonus, or none: multiplier 1, 0 points); null: not converted.</param>
public sealed record ReferralStatusAnswer(Guid CustomerId, ReferralStatus Status, string ReferralLinkId, DateTimeOffset UpdatedAt,
    LocalizedText Description, string? Reason = null, LocalizedText? ReasonDescription = null, DateTimeOffset? HoldUntil = null,
    ReferralBonus? Reward = null);

/// <summary>The answer to <see cref="GetReferralStatus"/>: the status, or none when the shop has no such referral.</summary>
public sealed record ReferralStatusLookup(ReferralStatusAnswer? Answer);

/// <summary>
/// Answers the query: the status through its cache, the description (the shop's own text, else the platform's) through
/// the Translations slice. Called directly, not through the message bus: a read has no side effects to make durable,
/// and the bus's envelope, handler lookup and span cost the cached read a share of its CPU. A cancelled call (the
/// caller's deadline) just stops.
/// </summary>
public sealed class AnswerReferralStatus(ReadReferralStatus statuses, LocalizedMessages messages, StatusMetrics metrics)
{
    private static readonly ReferralBonus NoBonus = new("", 1.0, 0);

    public async Task<ReferralStatusLookup> AnswerAsync(GetReferralStatus query, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (view, fromCache) = await statuses.ReadAsync(query.ShopId, query.ReferralId, ct);
        if (view is null)
            return new ReferralStatusLookup(null);

        var description = await messages.GetAsync(query.ShopId, LocalizedMessages.StatusKey(view.Status.Wire()), query.Locale, ct);
        LocalizedText? reason = view.Reason is { } code
            ? await messages.GetAsync(query.ShopId, LocalizedMessages.ReasonKey(code), query.Locale, ct)
            : null;
        metrics.Record(Stopwatch.GetElapsedTime(started), fromCache);
        return new ReferralStatusLookup(
            new ReferralStatusAnswer(view.CustomerId, view.Status, view.ReferralLinkId, view.UpdatedAt, description, view.Reason, reason,
                view.HoldUntil, view.Converted ? view.Bonus ?? NoBonus : null));
    }
}

/// <summary>`referrals_status_latency_seconds{cache="hit"|"miss"}`.</summary>
public sealed class StatusMetrics
{
    public const string MeterName = "Referrals.Status";
    private readonly Histogram<double> _latency;

    public StatusMetrics(IMeterFactory meters) =>
        _latency = meters.Create(MeterName).CreateHistogram("referrals_status_latency_seconds", unit: "s",
            description: "GetReferralStatus time in the service, by whether Redis had the status",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5] });

    public void Record(TimeSpan elapsed, bool fromCache) =>
        _latency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("cache", fromCache ? "hit" : "miss"));
}

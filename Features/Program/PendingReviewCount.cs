using System.Diagnostics.Metrics;
using Npgsql;
using Referrals.Service.Features.Referrals;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Program;

/// <summary>
/// `referrals_reviews_pending`: conversions waiting for a merchant's review, all shops, counted in Postgres every
/// <c>Program:PendingReviewsRefreshSeconds</c> (2 s). Like <c>referrals_dlq_size_total</c> it is a cluster-wide count that
/// every instance exports (a gauge of one elected instance vanishes while it is down), so a query aggregates it with
/// <c>max()</c>, never <c>sum()</c>. The runtime login sees one shop's rows at a time: the count across shops is
/// <see cref="Function"/>, owned by the owner (SECURITY DEFINER) and answering a number only, on a partial index of the
/// referrals under review.
/// </summary>
public sealed class PendingReviewCount : BackgroundService
{
    public const string MetricName = "referrals_reviews_pending";

    public const string Function = $"""
        create index if not exists referrals_under_review on {DocumentStorage.Schema}.{ReferralsModule.Table} (tenant_id)
          where data ->> 'status' = 'in_progress' and data ->> 'status_reason' = 'under_review';
        create or replace function {DocumentStorage.Schema}.count_pending_reviews() returns bigint
          language sql stable security definer set search_path = pg_catalog, pg_temp
          as $$ select count(*) from {DocumentStorage.Schema}.{ReferralsModule.Table}
                where data ->> 'status' = 'in_progress' and data ->> 'status_reason' = 'under_review' $$;
        revoke all on function {DocumentStorage.Schema}.count_pending_reviews() from public;
        """;

    private readonly NpgsqlDataSource _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<PendingReviewCount> _logger;
    private readonly TimeSpan _refresh;
    private long _pending;
    private bool _known;

    public PendingReviewCount(IMeterFactory meters, NpgsqlDataSource database, TimeProvider clock, IConfiguration configuration,
        ILogger<PendingReviewCount> logger)
    {
        _database = database;
        _clock = clock;
        _logger = logger;
        _refresh = TimeSpan.FromSeconds(configuration.GetValue("Program:PendingReviewsRefreshSeconds", 2.0));
        meters.Create(ReviewMetrics.MeterName).CreateObservableGauge(MetricName, Observe,
            description: "Conversions waiting for a merchant's review. A cluster-wide count: every instance reports the same value, aggregate with max(), never sum()");
    }

    private IEnumerable<Measurement<long>> Observe() =>
        _known ? [new Measurement<long>(Interlocked.Read(ref _pending))] : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_refresh, _clock);
        do
        {
            try
            {
                await using var count = _database.CreateCommand($"select {DocumentStorage.Schema}.count_pending_reviews()");
                Interlocked.Exchange(ref _pending, (long)(await count.ExecuteScalarAsync(stoppingToken))!);
                _known = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Counting pending reviews failed; the metric keeps its last value");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

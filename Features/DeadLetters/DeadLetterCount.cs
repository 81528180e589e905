using System.Diagnostics.Metrics;
using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// `referrals_dlq_size_total` (the seed's name): dead letters not yet reprocessed, those given up on included,
/// counted in the <see cref="DeadLetter"/> ledger (so it survives restarts and agrees across instances),
/// refreshed every <c>DeadLetters:SizeRefreshSeconds</c> (2 s). Every instance exports it, so a query aggregates it with
/// <c>max()</c> (never <c>sum()</c>, which counts each dead letter once per instance): exporting it from one elected
/// instance would make the series vanish while that instance is down, exactly when the DLQ alert matters.
/// The runtime login sees one shop's rows at a time, so the count across shops is <see cref="Function"/>, owned by
/// the owner (SECURITY DEFINER) and answering a number only.
/// </summary>
public sealed class DeadLetterCount : BackgroundService
{
    public const string MeterName = "Referrals.DeadLetters";
    public const string MetricName = "referrals_dlq_size_total";

    public const string Function = $"""
        create or replace function {DocumentStorage.Schema}.count_open_dead_letters() returns bigint
          language sql stable security definer set search_path = pg_catalog, pg_temp
          as $$ select count(*) from {DocumentStorage.Schema}.mt_doc_dead_letters where reprocessed__at is null $$;
        revoke all on function {DocumentStorage.Schema}.count_open_dead_letters() from public;
        """;

    private readonly NpgsqlDataSource _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<DeadLetterCount> _logger;
    private readonly TimeSpan _refresh;
    private long _size;
    private bool _known;

    public DeadLetterCount(IMeterFactory meters, NpgsqlDataSource database, TimeProvider clock, IConfiguration configuration,
        ILogger<DeadLetterCount> logger)
    {
        _database = database;
        _clock = clock;
        _logger = logger;
        _refresh = TimeSpan.FromSeconds(configuration.GetValue("DeadLetters:SizeRefreshSeconds", 2.0));
        meters.Create(MeterName).CreateObservableGauge(MetricName, Observe,
            description: "Dead letters on referrals.dlq not yet reprocessed. A cluster-wide count: every instance reports the same value, aggregate with max(), never sum()");
    }

    private IEnumerable<Measurement<long>> Observe() =>
        _known ? [new Measurement<long>(Interlocked.Read(ref _size))] : [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_refresh, _clock);
        do
        {
            try
            {
                await using var count = _database.CreateCommand($"select {DocumentStorage.Schema}.count_open_dead_letters()");
                Interlocked.Exchange(ref _size, (long)(await count.ExecuteScalarAsync(stoppingToken))!);
                _known = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Counting dead letters failed; the metric keeps its last value");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

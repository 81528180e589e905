using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// The <see cref="PublishedEvent"/> ledger keeps `Replay:PublishedEventsRetentionDays` (30) days: once a day the
/// older rows go, so the window `replay` can rebuild from is known and the table does not grow without end. Every
/// shop's rows, through <see cref="Function"/> (SECURITY DEFINER, owned by the owner): the runtime login sees one
/// shop at a time.
/// </summary>
public sealed class PrunePublishedEventsDaily(NpgsqlDataSource database, IConfiguration configuration, TimeProvider clock,
    ILogger<PrunePublishedEventsDaily> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromDays(1);

    public const string Function = $"""
        create or replace function {DocumentStorage.Schema}.prune_published_events(cutoff timestamptz) returns bigint
          language sql security definer set search_path = pg_catalog, pg_temp
          as $$ with pruned as (delete from {DocumentStorage.Schema}.mt_doc_published_events where published__at < cutoff returning 1)
                select count(*) from pruned $$;
        revoke all on function {DocumentStorage.Schema}.prune_published_events(timestamptz) from public;
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keepFor = TimeSpan.FromDays(configuration.GetValue("Replay:PublishedEventsRetentionDays", 30));
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                await using var prune = database.CreateCommand($"select {DocumentStorage.Schema}.prune_published_events(@cutoff)");
                prune.Parameters.AddWithValue("cutoff", clock.GetUtcNow() - keepFor);
                await prune.ExecuteScalarAsync(stoppingToken);
            }
            // Whatever fails, the schedule must outlive it: an exception escaping a BackgroundService stops the host.
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Pruning the published-events ledger failed; retried at the next run");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

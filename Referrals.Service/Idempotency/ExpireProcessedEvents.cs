using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Idempotency;

/// <summary>
/// The seed's 24 h TTL on processed_events, as a scheduled cleanup: rows of events processed more than 24 h
/// ago are deleted, for every shop (through <see cref="Function"/>, SECURITY DEFINER, owned by the owner: the runtime
/// login sees one shop at a time). Accepted events still waiting for processing are kept.
/// </summary>
public sealed class ExpireProcessedEvents(NpgsqlDataSource database, TimeProvider clock, ILogger<ExpireProcessedEvents> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    public const string Function = $"""
        create or replace function {DocumentStorage.Schema}.expire_processed_events(cutoff timestamptz) returns bigint
          language sql security definer set search_path = pg_catalog, pg_temp
          as $$ with expired as (delete from {DocumentStorage.Schema}.mt_doc_processed_events
                                 where processed__at is not null and processed__at < cutoff returning 1)
                select count(*) from expired $$;
        revoke all on function {DocumentStorage.Schema}.expire_processed_events(timestamptz) from public;
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await ExpireAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Expiring processed events failed; the next round tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task ExpireAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - ProcessedEvent.Retention;
        await using var expire = database.CreateCommand($"select {DocumentStorage.Schema}.expire_processed_events(@cutoff)");
        expire.Parameters.AddWithValue("cutoff", cutoff);
        await expire.ExecuteScalarAsync(ct);
    }
}

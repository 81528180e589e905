using Npgsql;
using Referrals.Service.Messaging;
using Referrals.Service.Storage;

namespace Referrals.Service.Idempotency;

/// <summary>
/// The seed's 24 h TTL on processed_events, as a scheduled cleanup: rows of events processed more than 24 h
/// ago are deleted, for every shop (through <see cref="Function"/>, SECURITY DEFINER, owned by the owner: the runtime
/// login sees one shop at a time). Accepted events still waiting for processing are kept. One instance of the cluster
/// runs it (<see cref="ClusterSingleton"/>).
/// </summary>
public sealed class ExpireProcessedEvents(NpgsqlDataSource database, TimeProvider time, ClusterSingletons running,
    ILogger<ExpireProcessedEvents> logger) : ClusterSingleton(Job, running, time, logger)
{
    public const string Job = "expire-processed-events";

    protected override TimeSpan Every { get; } = TimeSpan.FromMinutes(15);

    public const string Function = $"""
        create or replace function {DocumentStorage.Schema}.expire_processed_events(cutoff timestamptz) returns bigint
          language sql security definer set search_path = pg_catalog, pg_temp
          as $$ with expired as (delete from {DocumentStorage.Schema}.mt_doc_processed_events
                                 where processed__at is not null and processed__at < cutoff returning 1)
                select count(*) from expired $$;
        revoke all on function {DocumentStorage.Schema}.expire_processed_events(timestamptz) from public;
        """;

    protected override Task RunOnceAsync(CancellationToken ct) => ExpireAsync(ct);

    public async Task ExpireAsync(CancellationToken ct)
    {
        var cutoff = Clock.GetUtcNow() - ProcessedEvent.Retention;
        await using var expire = database.CreateCommand($"select {DocumentStorage.Schema}.expire_processed_events(@cutoff)");
        expire.Parameters.AddWithValue("cutoff", cutoff);
        await expire.ExecuteScalarAsync(ct);
    }
}

using Npgsql;
using Referrals.Service.Messaging;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// The <see cref="PublishedEvent"/> ledger keeps `Replay:PublishedEventsRetentionDays` (30) days: once a day the
/// older rows go, so the window `replay` can rebuild from is known and the table does not grow without end. Every
/// shop's rows, through <see cref="Function"/> (SECURITY DEFINER, owned by the owner): the runtime login sees one
/// shop at a time. One instance of the cluster runs it (<see cref="ClusterSingleton"/>).
/// </summary>
public sealed class PrunePublishedEventsDaily(NpgsqlDataSource database, IConfiguration configuration, TimeProvider time,
    ClusterSingletons running, ILogger<PrunePublishedEventsDaily> logger)
    : ClusterSingleton(Job, running, time, logger)
{
    public const string Job = "prune-published-events";

    protected override TimeSpan Every { get; } = TimeSpan.FromDays(1);

    public const string Function = $"""
        create or replace function {DocumentStorage.Schema}.prune_published_events(cutoff timestamptz) returns bigint
          language sql security definer set search_path = pg_catalog, pg_temp
          as $$ with pruned as (delete from {DocumentStorage.Schema}.mt_doc_published_events where published__at < cutoff returning 1)
                select count(*) from pruned $$;
        revoke all on function {DocumentStorage.Schema}.prune_published_events(timestamptz) from public;
        """;

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var keepFor = TimeSpan.FromDays(configuration.GetValue("Replay:PublishedEventsRetentionDays", 30));
        await using var prune = database.CreateCommand($"select {DocumentStorage.Schema}.prune_published_events(@cutoff)");
        prune.Parameters.AddWithValue("cutoff", Clock.GetUtcNow() - keepFor);
        await prune.ExecuteScalarAsync(ct);
    }
}

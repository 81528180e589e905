using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// Old translation versions expire by a schedule, not by hope: once a day the service prunes what
/// `cleanup-translations --apply` would (non-current versions older than 90 days): the platform defaults directly, every
/// shop's overrides through <see cref="OverridesFunction"/> (SECURITY DEFINER, owned by the owner), because the runtime
/// login sees one shop's overrides at a time.
/// </summary>
public sealed class PruneTranslationVersionsDaily(NpgsqlDataSource database, TimeProvider clock,
    ILogger<PruneTranslationVersionsDaily> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromDays(1);
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(90);

    private const string Overrides = $"{DocumentStorage.Schema}.{TranslationsModule.OverridesTable}";

    public const string OverridesFunction = $"""
        create or replace function {DocumentStorage.Schema}.prune_translation_overrides(cutoff timestamptz) returns bigint
          language sql security definer set search_path = pg_catalog, pg_temp
          as $$ with pruned as (
                  delete from {Overrides} o
                  where (o.data ->> 'created_at')::timestamptz < cutoff
                    and o.version < (select max(c.version) from {Overrides} c
                                     where c.tenant_id = o.tenant_id and c.key = o.key and c.locale = o.locale)
                  returning 1)
                select count(*) from pruned $$;
        revoke all on function {DocumentStorage.Schema}.prune_translation_overrides(timestamptz) from public;
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pruner = new TranslationVersionPruner(database);
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                var cutoff = clock.GetUtcNow() - KeepFor;
                var prunable = await pruner.FindAsync(cutoff, stoppingToken);
                var pruned = prunable.Count > 0 ? await pruner.DeleteAsync(prunable, stoppingToken) : 0;
                await using var overrides = database.CreateCommand($"select {DocumentStorage.Schema}.prune_translation_overrides(@cutoff)");
                overrides.Parameters.AddWithValue("cutoff", cutoff);
                pruned += Convert.ToInt32(await overrides.ExecuteScalarAsync(stoppingToken), System.Globalization.CultureInfo.InvariantCulture);
                if (pruned > 0)
                    logger.LogInformation("Pruned {TranslationCount} old translation version(s)", pruned);
            }
            // Whatever fails, the schedule must outlive it: an exception escaping a BackgroundService stops the host.
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Translation pruning failed; retried at the next run");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

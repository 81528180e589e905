using Npgsql;
using Referrals.Service.Messaging;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// Old translation versions expire by a schedule, not by hope: once a day the service prunes what
/// `cleanup-translations --apply` would (non-current versions older than 90 days): the platform defaults directly, every
/// shop's overrides through <see cref="OverridesFunction"/> (SECURITY DEFINER, owned by the owner), because the runtime
/// login sees one shop's overrides at a time. One instance of the cluster runs it (<see cref="ClusterSingleton"/>).
/// </summary>
public sealed class PruneTranslationVersionsDaily(NpgsqlDataSource database, TimeProvider time, ClusterSingletons running,
    ILogger<PruneTranslationVersionsDaily> logger) : ClusterSingleton(Job, running, time, logger)
{
    public const string Job = "prune-translation-versions";

    protected override TimeSpan Every { get; } = TimeSpan.FromDays(1);
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

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var pruner = new TranslationVersionPruner(database);
        var cutoff = Clock.GetUtcNow() - KeepFor;
        var prunable = await pruner.FindAsync(cutoff, ct);
        var pruned = prunable.Count > 0 ? await pruner.DeleteAsync(prunable, ct) : 0;
        await using var overrides = database.CreateCommand($"select {DocumentStorage.Schema}.prune_translation_overrides(@cutoff)");
        overrides.Parameters.AddWithValue("cutoff", cutoff);
        pruned += Convert.ToInt32(await overrides.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        if (pruned > 0)
            Logger.LogInformation("Pruned {TranslationCount} old translation version(s)", pruned);
    }
}

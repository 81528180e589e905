using Npgsql;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// Old translation versions expire by a schedule, not by hope: once a day the service prunes what
/// `cleanup-translations --apply` would (non-current versions older than 90 days).
/// </summary>
public sealed class PruneTranslationVersionsDaily(NpgsqlDataSource database, TimeProvider clock,
    ILogger<PruneTranslationVersionsDaily> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromDays(1);
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(90);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pruner = new TranslationVersionPruner(database);
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                var prunable = await pruner.FindAsync(clock.GetUtcNow() - KeepFor, stoppingToken);
                if (prunable.Count > 0)
                    logger.LogInformation("Pruned {TranslationCount} old translation version(s)", await pruner.DeleteAsync(prunable, stoppingToken));
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

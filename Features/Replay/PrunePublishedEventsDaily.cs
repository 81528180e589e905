using Marten;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// The <see cref="PublishedEvent"/> ledger keeps `Replay:PublishedEventsRetentionDays` (30) days: once a day the
/// older rows go, so the window `replay` can rebuild from is known and the table does not grow without end.
/// </summary>
public sealed class PrunePublishedEventsDaily(IDocumentStore store, IConfiguration configuration, TimeProvider clock,
    ILogger<PrunePublishedEventsDaily> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keepFor = TimeSpan.FromDays(configuration.GetValue("Replay:PublishedEventsRetentionDays", 30));
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                await using var session = store.LightweightSession();
                var cutoff = clock.GetUtcNow() - keepFor;
                session.DeleteWhere<PublishedEvent>(e => e.PublishedAt < cutoff);
                await session.SaveChangesAsync(stoppingToken);
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

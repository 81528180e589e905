using Marten;

namespace Referrals.Service.Idempotency;

/// <summary>
/// The seed's 24 h TTL on processed_events, as a scheduled cleanup: rows of events processed more than 24 h
/// ago are deleted, for every shop. Accepted events still waiting for processing are kept.
/// </summary>
public sealed class ExpireProcessedEvents(IDocumentStore store, TimeProvider clock, ILogger<ExpireProcessedEvents> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

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
        await using var session = store.LightweightSession();
        session.DeleteWhere<ProcessedEvent>(e => e.AnyTenant() && e.ProcessedAt != null && e.ProcessedAt < cutoff);
        await session.SaveChangesAsync(ct);
    }
}

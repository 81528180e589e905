using Npgsql;

namespace Referrals.Service.Storage;

/// <summary>
/// Waits until Postgres answers again: a <c>SELECT 1</c> every second, each given <see cref="ProbeTimeout"/> so that a
/// server that accepts connections but answers nothing (paused, partitioned) is a failed probe, not a hang. At most
/// <see cref="GiveUpAfter"/>: a message held longer than that is better retried through its normal rules.
/// </summary>
public sealed class StorageProbe(NpgsqlDataSource dataSource, ILogger<StorageProbe> logger)
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);

    public async Task WaitUntilAnswersAsync(CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - since < GiveUpAfter)
        {
            if (await AnswersAsync(ct))
                return;
            await Task.Delay(Pause, ct);
        }
        logger.LogWarning("Postgres has not answered for {Duration}; the waiting message goes back to its retry rules", GiveUpAfter);
    }

    private async Task<bool> AnswersAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested) // refused, starting up, or no answer in time
        {
            return false;
        }
    }
}

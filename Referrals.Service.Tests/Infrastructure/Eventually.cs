namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Polls until a condition holds, for outcomes that arrive asynchronously (health, Kafka, restarts).</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> until, TimeSpan within, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        var last = default(T);
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                last = await probe();
                if (until(last))
                    return last;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // the thing probed is still coming up or going down
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }
        throw new TimeoutException($"condition not met within {within}; last value: {last}");
    }
}

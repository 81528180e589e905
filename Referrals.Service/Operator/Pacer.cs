using System.Diagnostics;

namespace Referrals.Service.Operator;

/// <summary>
/// Keeps a loop at a rate (events per second; 0 = as fast as it goes) by waiting for each event's slot,
/// measured from the start, so short stalls are caught up without ever bursting past the rate overall.
/// </summary>
public sealed class Pacer(double ratePerSecond)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _count;

    public TimeSpan Elapsed => _clock.Elapsed;

    public async Task WaitTurnAsync(CancellationToken ct)
    {
        if (ratePerSecond > 0)
        {
            var due = TimeSpan.FromSeconds(_count / ratePerSecond);
            if (due > _clock.Elapsed)
                await Task.Delay(due - _clock.Elapsed, ct);
        }
        _count++;
    }
}

using System.Diagnostics;

namespace Referrals.Bench;

/// <summary>What an open-loop run did with its schedule.</summary>
/// <param name="Scheduled">arrivals in the schedule (rate × duration)</param>
/// <param name="Dropped">arrivals not started because <c>maxInFlight</c> calls were still running (k6's dropped iterations)</param>
/// <param name="Late">arrivals started more than <see cref="OpenLoop.LateAfter"/> behind their time (the client could not keep up)</param>
public sealed record OpenLoopResult(int Scheduled, int Started, int Dropped, int Late, TimeSpan Elapsed);

/// <summary>
/// A fixed arrival rate for a duration, like k6's constant-arrival-rate: call n is due at n / rate seconds after the
/// start and starts then whether or not earlier calls have finished, so a slow service meets more concurrent calls
/// instead of fewer requests (no coordinated omission). The schedule runs on its own thread, not the thread pool, so a
/// busy pool does not delay it unseen; each call is handed the timestamp it was due at, to measure from.
/// </summary>
public static class OpenLoop
{
    public static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(10);

    public static async Task<OpenLoopResult> RunAsync(double rate, TimeSpan duration, int maxInFlight, Func<int, long, Task> call)
    {
        var scheduled = (int)(rate * duration.TotalSeconds);
        var lateTicks = (long)(LateAfter.TotalSeconds * Stopwatch.Frequency);
        var calls = new List<Task>(scheduled);
        int inFlight = 0, dropped = 0, late = 0;
        var clock = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();

        async Task Run(int n, long due)
        {
            try
            {
                await call(n, due);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        var schedule = new Thread(() =>
        {
            for (var n = 0; n < scheduled; n++)
            {
                var due = start + (long)(n * Stopwatch.Frequency / rate);
                while (Stopwatch.GetTimestamp() is var now && now < due)
                {
                    if (due - now > Stopwatch.Frequency / 500)
                        Thread.Sleep(1);
                    else
                        Thread.SpinWait(50);
                }
                if (Volatile.Read(ref inFlight) >= maxInFlight)
                {
                    dropped++;
                    continue;
                }
                if (Stopwatch.GetTimestamp() - due > lateTicks)
                    late++;
                Interlocked.Increment(ref inFlight);
                // Started on the pool, so the schedule thread only keeps time; the latency is measured from `due` anyway.
                var arrival = n;
                calls.Add(Task.Run(() => Run(arrival, due)));
            }
        })
        { IsBackground = true, Name = "open-loop schedule" };
        schedule.Start();
        await Task.Run(schedule.Join);
        await Task.WhenAll(calls);
        return new OpenLoopResult(scheduled, calls.Count, dropped, late, clock.Elapsed);
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Referrals.Bench;

/// <summary>What one load step measured: throughput and latency percentiles of the successful calls.</summary>
public sealed record LoadResult(string Scenario, int Concurrency, int Requests, int Errors, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public static string Header => $"{"scenario",-10} {"conc.",6} {"req/s",10} {"p50 ms",9} {"p99 ms",9} {"requests",9} {"errors",7}";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scenario,-10} {Concurrency,6} {RequestsPerSecond,10:F0} {P50Ms,9:F2} {P99Ms,9:F2} {Requests,9} {Errors,7}");
}

public static class LoadRun
{
    /// <summary>
    /// Runs <paramref name="call"/> from <paramref name="concurrency"/> workers for <paramref name="duration"/>.
    /// <paramref name="prepare"/> runs before each call and is not timed. Worker w's calls are numbered
    /// w, w + concurrency, w + 2·concurrency, …, so workers never share a number (or, modulo a multiple of
    /// the concurrency, an item).
    /// </summary>
    public static async Task<LoadResult> RunAsync(string scenario, int concurrency, TimeSpan duration,
        Func<int, Task> prepare, Func<int, Task> call)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            for (var n = worker; clock.Elapsed < duration; n += concurrency)
            {
                await prepare(n);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(n);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var elapsed = clock.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(scenario, concurrency, all.Length, errors, elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

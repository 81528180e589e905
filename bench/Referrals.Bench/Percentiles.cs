using System.Globalization;

namespace Referrals.Bench;

/// <summary>Latency percentiles in milliseconds (nearest rank over every recorded sample).</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Max)
{
    public override string ToString() => Count == 0 ? "no samples" : string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50:0.0} ms · p90 {P90:0.0} ms · p99 {P99:0.0} ms · p99.9 {P999:0.0} ms · max {Max:0.0} ms");
}

public static class Percentiles
{
    public static LatencySummary Of(IEnumerable<TimeSpan> samples)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0)
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, At(0.50), At(0.90), At(0.99), At(0.999), sorted[^1]);
    }

    public static string Describe(IEnumerable<TimeSpan> samples) => Of(samples).ToString();
}

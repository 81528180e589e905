using System.Globalization;

namespace Referrals.Bench;

public static class Percentiles
{
    public static string Describe(IReadOnlyCollection<TimeSpan> samples)
    {
        if (samples.Count == 0)
            return "no samples";
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        string At(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
        return $"p50 {At(0.50)} ms · p99 {At(0.99)} ms · max {sorted[^1].ToString("0.0", CultureInfo.InvariantCulture)} ms";
    }
}

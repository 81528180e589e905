using System.Globalization;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Reads a sample from /metrics (Prometheus text format), whatever other labels the exporter adds.</summary>
public static class PrometheusText
{
    public static async Task<double> SampleAsync(this HttpClient http, string metric, CancellationToken ct, params (string Name, string Value)[] labels)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        return text.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') is var end and > 0 ? end + 1 : metric.Length)..].Trim().Split(' ')[0],
                CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The sum of a sample over every service instance of the suite: what a Kafka consumer counts is counted by the
    /// instance the group gave the partition to.
    /// </summary>
    public static async Task<double> ClusterSampleAsync(this ReferralsApp app, string metric, CancellationToken ct,
        params (string Name, string Value)[] labels)
    {
        using var first = app.CreateHttpClient();
        using var second = app.CreateSecondHttpClient();
        return await first.SampleAsync(metric, ct, labels) + await second.SampleAsync(metric, ct, labels);
    }

    /// <summary>
    /// A baseline taken once the sample has stood still for <paramref name="still"/>: work an earlier test left in
    /// flight (a retried order, a late conversion) is counted before the baseline, not inside this test's delta.
    /// </summary>
    public static async Task<double> QuietSampleAsync(this HttpClient http, string metric, TimeSpan still, CancellationToken ct,
        params (string Name, string Value)[] labels)
    {
        var sample = await http.SampleAsync(metric, ct, labels);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await Task.Delay(still, ct);
            var again = await http.SampleAsync(metric, ct, labels);
            if (again == sample)
                return sample;
            sample = again;
        }
        return sample;
    }
}

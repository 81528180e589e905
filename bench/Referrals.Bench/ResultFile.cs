using System.Text.Json;

namespace Referrals.Bench;

/// <summary>
/// The figures of each scenario as one JSON object per line, appended to the file named by --json, for
/// `report` (and bench/run.sh) to set beside the ceiling's.
/// </summary>
public static class ResultFile
{
    private static readonly JsonSerializerOptions Options = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Append(string? path, string figure, IReadOnlyDictionary<string, object?> values)
    {
        if (string.IsNullOrEmpty(path))
            return;
        var line = new Dictionary<string, object?>(values) { ["figure"] = figure, ["utc"] = DateTimeOffset.UtcNow };
        File.AppendAllText(path, JsonSerializer.Serialize(line, Options) + "\n");
    }

    public static Dictionary<string, object?> Usage(ServiceUsage usage) => new()
    {
        ["service_cpu_ms_per_op"] = usage.CpuMsPerOperation,
        ["service_cpu_ms"] = usage.CpuMs,
        ["service_peak_rss_mb"] = usage.PeakRssMb,
        ["load_average_start"] = usage.LoadAverageStart,
        ["load_average_end"] = usage.LoadAverageEnd,
    };

    public static Dictionary<string, object?> Latency(string prefix, LatencySummary latency) => new()
    {
        [$"{prefix}_p50_ms"] = latency.P50,
        [$"{prefix}_p90_ms"] = latency.P90,
        [$"{prefix}_p99_ms"] = latency.P99,
        [$"{prefix}_p999_ms"] = latency.P999,
        [$"{prefix}_max_ms"] = latency.Max,
    };
}

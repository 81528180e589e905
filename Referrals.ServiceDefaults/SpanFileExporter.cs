using System.Diagnostics;
using System.Text.Json;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Opt-in (<c>Telemetry:SpanFile</c>): every finished span as one JSON line, so a test can follow a trace without
/// a dashboard. Not for production: it writes synchronously, one line per span.
/// </summary>
public sealed class SpanFileExporter(string path) : BaseExporter<Activity>
{
    private readonly Lock _gate = new();

    public override ExportResult Export(in Batch<Activity> batch)
    {
        var lines = new List<string>();
        foreach (var activity in batch)
        {
            lines.Add(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["trace_id"] = activity.TraceId.ToHexString(),
                ["span_id"] = activity.SpanId.ToHexString(),
                ["parent_span_id"] = activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
                ["name"] = activity.DisplayName,
                ["source"] = activity.Source.Name,
                ["kind"] = activity.Kind.ToString(),
                ["start"] = activity.StartTimeUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["tags"] = activity.TagObjects.GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ToString()),
            }));
        }
        lock (_gate)
            File.AppendAllLines(path, lines);
        return ExportResult.Success;
    }
}

using System.Text.Json;

namespace Referrals.Service.Tests.Observability;

/// <summary>A span as the service's span file has it (ServiceDefaults' SpanFileExporter).</summary>
public sealed record ExportedSpan(string TraceId, string SpanId, string? ParentSpanId, string Name, string Source, string Kind,
    DateTimeOffset Start, IReadOnlyDictionary<string, string?> Tags)
{
    public bool Mentions(string text) =>
        Name.Contains(text, StringComparison.Ordinal) || Tags.Values.Any(v => v?.Contains(text, StringComparison.Ordinal) == true);

    public override string ToString() => $"{Source} '{Name}' ({Kind}) {SpanId} <- {ParentSpanId ?? "root"}";
}

public static class ExportedSpans
{
    public static IReadOnlyList<ExportedSpan> Read(string path)
    {
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var spans = new List<ExportedSpan>();
        while (reader.ReadLine() is { } line)
        {
            if (Parse(line) is { } span)
                spans.Add(span);
        }
        return spans;
    }

    /// <summary>The ancestors of a span within its trace, nearest first.</summary>
    public static IReadOnlyList<ExportedSpan> Ancestors(this IReadOnlyList<ExportedSpan> trace, ExportedSpan span)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        var chain = new List<ExportedSpan>();
        while (span.ParentSpanId is { } parent && byId.TryGetValue(parent, out var next) && chain.Count < 100)
        {
            chain.Add(next);
            span = next;
        }
        return chain;
    }

    private static ExportedSpan? Parse(string line)
    {
        try
        {
            var json = JsonDocument.Parse(line).RootElement;
            var tags = json.GetProperty("tags").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            return new ExportedSpan(json.GetProperty("trace_id").GetString()!, json.GetProperty("span_id").GetString()!,
                json.GetProperty("parent_span_id").GetString(), json.GetProperty("name").GetString()!,
                json.GetProperty("source").GetString()!, json.GetProperty("kind").GetString()!,
                json.GetProperty("start").GetDateTimeOffset(), tags);
        }
        catch (JsonException)
        {
            return null; // the line being written right now
        }
    }
}

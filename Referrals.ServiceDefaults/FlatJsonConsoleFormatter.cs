using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

public sealed class FlatJsonConsoleFormatterOptions : ConsoleFormatterOptions
{
    public string Service { get; set; } = "unknown";
    public string Version { get; set; } = "unknown";
}

/// <summary>
/// One flat JSON object per line, what Loki's json stage reads without nesting: the fixed fields (timestamp, level,
/// message, service, version, category, trace_id, span_id, exception), then every template property and scope entry
/// as a snake_case field of its own ({ShopId} → shop_id). A later scope wins over an earlier one; fixed fields win over both.
/// </summary>
public sealed class FlatJsonConsoleFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "flat-json";

    private static readonly HashSet<string> FixedFields =
        ["timestamp", "level", "message", "service", "version", "category", "trace_id", "span_id", "exception"];

    private readonly IDisposable? _reload;
    private FlatJsonConsoleFormatterOptions _options;

    public FlatJsonConsoleFormatter(IOptionsMonitor<FlatJsonConsoleFormatterOptions> options) : base(FormatterName)
    {
        _options = options.CurrentValue;
        _reload = options.OnChange(changed => _options = changed);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && string.IsNullOrEmpty(message))
            return;

        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (_options.IncludeScopes)
            scopeProvider?.ForEachScope((scope, collected) => Collect(scope, collected), fields);
        Collect(logEntry.State, fields);

        var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("message", message);
            json.WriteString("service", _options.Service);
            json.WriteString("version", _options.Version);
            json.WriteString("category", logEntry.Category);
            if (Activity.Current is { } activity)
            {
                json.WriteString("trace_id", activity.TraceId.ToHexString());
                json.WriteString("span_id", activity.SpanId.ToHexString());
            }
            if (logEntry.Exception is { } exception)
                json.WriteString("exception", exception.ToString());
            foreach (var (name, value) in fields)
            {
                if (!FixedFields.Contains(name))
                    WriteValue(json, name, value);
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length));
        textWriter.Write(Environment.NewLine);
    }

    public void Dispose() => _reload?.Dispose();

    /// <summary>ShopId, shopId and shop_id are all shop_id.</summary>
    public static string FieldName(string property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property);

    private static void Collect(object? state, Dictionary<string, object?> fields)
    {
        if (state is not IEnumerable<KeyValuePair<string, object?>> properties)
        {
            if (state is IEnumerable<KeyValuePair<string, object>> nonNullable)
                properties = nonNullable.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value));
            else
                return;
        }
        foreach (var (key, value) in properties)
        {
            if (key == "{OriginalFormat}" || string.IsNullOrEmpty(key))
                continue;
            fields[FieldName(key)] = value;
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumber(name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case IFormattable formattable:
                json.WriteString(name, formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, value.ToString());
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };

    internal static string VersionOf(Assembly? assembly) =>
        assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly?.GetName().Version?.ToString()
        ?? "unknown";
}

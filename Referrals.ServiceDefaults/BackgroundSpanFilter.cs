using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps background work out of the trace list: a span without a parent from the database, cache or messaging
/// libraries is polling (Wolverine's durability agent, Npgsql commands of hosted services, Kafka consumer loops,
/// health checks), not a request. It is marked not recorded when it starts, so no exporter sees it and its children
/// (sampled by their parent) are not recorded either. The same libraries' spans inside a request or message are kept.
/// </summary>
public sealed class BackgroundSpanFilter : BaseProcessor<Activity>
{
    private static readonly HashSet<string> BackgroundSources =
        ["Npgsql", "Marten", "Wolverine", "OpenTelemetry.Instrumentation.StackExchangeRedis", "Confluent.Kafka"];

    public override void OnStart(Activity data)
    {
        if (IsBackground(data))
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }

    public static bool IsBackground(Activity span) =>
        span.ParentSpanId == default && BackgroundSources.Contains(span.Source.Name) && !StartsMessageWork(span);

    // A message that arrives from outside without a trace context (another producer, a replay) is work of its own.
    private static bool StartsMessageWork(Activity span) =>
        span.Source.Name == "Wolverine" && span.Kind is ActivityKind.Consumer or ActivityKind.Server
        && span.DisplayName.Contains("receive", StringComparison.OrdinalIgnoreCase);
}

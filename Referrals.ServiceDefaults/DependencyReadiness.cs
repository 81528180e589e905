using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Each dependency check's last result, as `/ready`'s JSON body and as the gauge
/// <c>referrals_dependency_up{dependency}</c> (1 when Healthy, else 0). The last result comes from `/ready` and from
/// the periodic health check publisher, so the gauge stays current on an instance nobody probes.
/// </summary>
public sealed class DependencyReadiness : IHealthCheckPublisher, IDisposable
{
    public const string MeterName = "Referrals.Dependencies";

    private static readonly JsonSerializerOptions BodyOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly ConcurrentDictionary<string, HealthStatus> _lastStatus = new();
    private readonly Meter _meter = new(MeterName);

    public DependencyReadiness() =>
        _meter.CreateObservableGauge("referrals.dependency.up", () => _lastStatus.Select(entry =>
                new Measurement<int>(entry.Value == HealthStatus.Healthy ? 1 : 0,
                    new KeyValuePair<string, object?>("dependency", entry.Key))),
            description: "1 while the dependency's health check is Healthy, 0 while it is Degraded or Unhealthy");

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        Record(report);
        return Task.CompletedTask;
    }

    /// <summary>`/ready`'s body: the overall status (what the status code follows) and every check's own.</summary>
    public static Task WriteReadyBodyAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<DependencyReadiness>().Record(report);
        context.Response.ContentType = "application/json";
        var body = new ReadyBody(report.Status.ToString(), report.Entries.ToDictionary(
            entry => entry.Key,
            entry => new CheckBody(entry.Value.Status.ToString(), entry.Value.Description)));
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, BodyOptions));
    }

    public void Dispose() => _meter.Dispose();

    private void Record(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries.Where(entry => entry.Key != Extensions.SelfCheck))
            _lastStatus[name.ToLowerInvariant()] = entry.Status;
    }

    private sealed record ReadyBody(string Status, IReadOnlyDictionary<string, CheckBody> Checks);

    private sealed record CheckBody(string Status, string? Description);
}

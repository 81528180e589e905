using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Referrals.Service.Platform;

namespace Referrals.Service.Messaging;

/// <summary>Ready only when a broker answers a metadata request: the outbox can drain and listeners can fetch.</summary>
public sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(3);
    private readonly IAdminClient _admin;

    public KafkaHealthCheck(IConfiguration configuration) =>
        _admin = new AdminClientBuilder(new AdminClientConfig(KafkaClientSettings.From(configuration))
        {
            BootstrapServers = InfrastructureSettings.Required(configuration, InfrastructureSettings.Kafka),
            SocketTimeoutMs = (int)MetadataTimeout.TotalMilliseconds,
        })
        // librdkafka logs every refused connection on its own; the check's result already says it.
        .SetLogHandler((_, _) => { })
        .Build();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var metadata = _admin.GetMetadata(MetadataTimeout);
            return Task.FromResult(metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s), {metadata.Topics.Count} topic(s)")
                : HealthCheckResult.Unhealthy("Kafka answered with no brokers"));
        }
        catch (KafkaException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Kafka did not answer a metadata request", e));
        }
    }

    public void Dispose() => _admin.Dispose();
}

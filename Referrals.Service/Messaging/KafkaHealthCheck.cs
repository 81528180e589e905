using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Referrals.Service.Platform;

namespace Referrals.Service.Messaging;

/// <summary>
/// `/ready`'s Kafka entry: Healthy when a broker answers a metadata request (the outbox can drain, listeners can fetch).
/// Kafka away is Degraded, not Unhealthy: a webhook is accepted into the Postgres outbox without it and sent once the
/// broker is back, so an instance is not taken out of service for it.
/// </summary>
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
                : HealthCheckResult.Degraded("Kafka answered with no brokers; the outbox holds what is accepted"));
        }
        catch (KafkaException e)
        {
            return Task.FromResult(HealthCheckResult.Degraded("Kafka did not answer a metadata request; the outbox holds what is accepted", e));
        }
    }

    public void Dispose() => _admin.Dispose();
}

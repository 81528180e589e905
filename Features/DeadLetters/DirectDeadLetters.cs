using System.Text;
using Confluent.Kafka;
using Referrals.Service.Messaging;
using Referrals.Service.Platform;
using Wolverine;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// Parks a dead letter straight on `referrals.dlq`, acknowledged by all replicas, for what the durable outbox refuses
/// to carry: Wolverine does not send a zero-length payload, and an empty record is bad input that must still be
/// parked as it came. The same key, headers and content type as through the outbox.
/// </summary>
public sealed class DirectDeadLetters(IConfiguration configuration) : IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer = new(() =>
        new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig(KafkaClientSettings.From(configuration))
        {
            BootstrapServers = InfrastructureSettings.Required(configuration, InfrastructureSettings.Kafka),
            ClientId = "referrals-service-dead-letters",
            Acks = Acks.All,
            EnableIdempotence = true,
        }).SetLogHandler((_, _) => { }).Build());

    public async Task ParkAsync(Envelope failed, IReadOnlyDictionary<string, string?> headers, CancellationToken ct)
    {
        var kafkaHeaders = new Headers();
        foreach (var (name, value) in headers)
        {
            if (value is not null)
                kafkaHeaders.Add(name, Encoding.UTF8.GetBytes(value));
        }
        if (failed.TenantId is { } tenant)
            kafkaHeaders.Add("tenant-id", Encoding.UTF8.GetBytes(tenant));
        kafkaHeaders.Add("content-type", Encoding.UTF8.GetBytes(failed.ContentType ?? "application/json"));
        var key = failed.PartitionKey ?? failed.TenantId;
        await _producer.Value.ProduceAsync(Topics.DeadLetters, new Message<byte[]?, byte[]?>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = failed.Data ?? [],
            Headers = kafkaHeaders,
        }, ct);
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
            _producer.Value.Dispose();
    }
}

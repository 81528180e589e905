using Confluent.Kafka;
using Marten;
using Referrals.Service.Messaging;
using Referrals.Service.Platform;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// Reads referrals.dlq (its own consumer group) into the <see cref="DeadLetter"/> ledger, committing an offset
/// only once its record is in Postgres. Whatever parked a record (a handler, the native dead-letter queue, an
/// operator), the ledger sees it, and it is still right after a restart. Every instance runs one, in one consumer
/// group: each record is read by one instance, and the ledger is keyed by the record's id, so a record read again
/// around a rebalance is still recorded once.
/// </summary>
public sealed class RecordDeadLetters(IConfiguration configuration, IDocumentStore store, ILogger<RecordDeadLetters> logger)
    : BackgroundService
{
    public const string ConsumerGroup = "referrals-service-dead-letters";

    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume blocks a thread; keep it off the host's startup path.
        Task.Factory.StartNew(() => ConsumeAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task ConsumeAsync(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig(KafkaClientSettings.From(configuration))
        {
            BootstrapServers = InfrastructureSettings.Required(configuration, InfrastructureSettings.Kafka),
            GroupId = ConsumerGroup,
            ClientId = "referrals-service-dead-letters",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            // One group across the instances: a killed instance's partitions move within seconds (ClusterDurability).
            SessionTimeoutMs = ClusterDurability.KafkaSessionTimeoutMs,
            HeartbeatIntervalMs = ClusterDurability.KafkaHeartbeatIntervalMs,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(Topics.DeadLetters);

        while (!ct.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? result = null;
            try
            {
                result = consumer.Consume(ct);
                if (result?.Message is null)
                    continue;
                var record = DeadLetterRecord.From(result);
                await DeadLetterLedger.RecordAsync(store, record, ct);
                consumer.Commit(result);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            // Whatever fails (Postgres going away can surface as ObjectDisposedException), the loop must outlive it.
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Recording a dead letter failed; trying again");
                if (result is not null)
                    consumer.Seek(result.TopicPartitionOffset);
                await Task.Delay(PauseAfterFailure, ct).ConfigureAwait(false);
            }
        }
        consumer.Close();
    }
}

using Confluent.Kafka;
using Referrals.Service.Messaging;

namespace Referrals.Service.Operator;

/// <summary>Reads a topic from its start to its current end, every partition: what an operator command works on.</summary>
public static class TopicSnapshot
{
    public static IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> Read(OperatorConnections connections, string topic, CancellationToken ct)
    {
        var bootstrap = connections.Kafka;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig(KafkaClientSettings.From(connections.Configuration))
        {
            BootstrapServers = bootstrap,
            GroupId = $"referrals-operator-{Guid.NewGuid():N}", // assigned partitions, nothing committed
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig(KafkaClientSettings.From(connections.Configuration)) { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();

        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
            throw new InvalidOperationException($"topic {topic} is not available on {bootstrap}: {metadata?.Error.Reason ?? "no metadata"}");

        var ends = new Dictionary<int, long>();
        var starts = new List<TopicPartitionOffset>();
        foreach (var partition in metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)))
        {
            var watermarks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
            if (watermarks.High.Value > watermarks.Low.Value)
            {
                ends[partition.Partition.Value] = watermarks.High.Value;
                starts.Add(new TopicPartitionOffset(partition, watermarks.Low));
            }
        }

        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (starts.Count == 0)
            return records;
        consumer.Assign(starts);
        var open = new HashSet<int>(ends.Keys);
        while (open.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromSeconds(10))
                ?? throw new TimeoutException($"reading {topic} stalled before its end");
            var partition = result.Partition.Value;
            if (!result.IsPartitionEOF && result.Message is not null && result.Offset.Value < ends[partition])
                records.Add(result);
            if (result.IsPartitionEOF || result.Offset.Value >= ends[partition] - 1)
                open.Remove(partition);
        }
        consumer.Close();
        return records;
    }
}

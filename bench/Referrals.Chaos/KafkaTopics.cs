using Confluent.Kafka;

namespace Referrals.Chaos;

/// <summary>A record of one of the stack's topics, as a plain consumer reads it.</summary>
public sealed record TopicRecord(int Partition, long Offset, string? Key, byte[] Value, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>The stack's topics' ends and its consumer groups' lag, read with a plain Confluent client outside the service.</summary>
public static class KafkaTopics
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Where each partition of the topic ends now (its high watermark).</summary>
    public static Dictionary<int, long> Ends(string bootstrap, string topic)
    {
        using var consumer = Consumer(bootstrap, $"chaos-{Guid.NewGuid():N}");
        return Partitions(bootstrap, topic).ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, Timeout).High.Value);
    }

    /// <summary>
    /// How far the group's committed offsets are behind the topic's end, summed over partitions; a partition the group
    /// never committed counts from its first record still kept.
    /// </summary>
    public static long Lag(string bootstrap, string group, string topic)
    {
        using var consumer = Consumer(bootstrap, group);
        var partitions = Partitions(bootstrap, topic);
        var committed = consumer.Committed(partitions, Timeout);
        return committed.Sum(c =>
        {
            var (low, high) = (consumer.QueryWatermarkOffsets(c.TopicPartition, Timeout) is var w ? (w.Low.Value, w.High.Value) : (0, 0));
            return high - (c.Offset.Value >= 0 ? c.Offset.Value : low);
        });
    }

    private static List<TopicPartition> Partitions(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        return [.. admin.GetMetadata(topic, Timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId))];
    }

    // Never subscribes, so it never joins (or rebalances) the group it names: it only reads offsets.
    private static IConsumer<byte[]?, byte[]?> Consumer(string bootstrap, string group) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
}

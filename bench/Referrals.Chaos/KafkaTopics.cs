using System.Text;
using Confluent.Kafka;

namespace Referrals.Chaos;

/// <summary>A record of one of the stack's topics, as a plain consumer reads it.</summary>
public sealed record TopicRecord(int Partition, long Offset, string? Key, byte[] Value, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>The stack's topics read with a plain Confluent consumer, outside the service, and its consumer groups' lag.</summary>
public static class KafkaTopics
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Where each partition of the topic ends now (its high watermark).</summary>
    public static Dictionary<int, long> Ends(string bootstrap, string topic)
    {
        using var consumer = Consumer(bootstrap, $"chaos-{Guid.NewGuid():N}");
        return Partitions(bootstrap, topic).ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, Timeout).High.Value);
    }

    /// <summary>Every record of the topic from <paramref name="starts"/> (partition → offset) to where it ends now.</summary>
    public static List<TopicRecord> ReadFrom(string bootstrap, string topic, IReadOnlyDictionary<int, long> starts)
    {
        var ends = Ends(bootstrap, topic);
        var remaining = ends.Where(end => end.Value > starts.GetValueOrDefault(end.Key)).ToDictionary(e => e.Key, e => e.Value);
        var records = new List<TopicRecord>();
        if (remaining.Count == 0)
            return records;
        using var consumer = Consumer(bootstrap, $"chaos-{Guid.NewGuid():N}");
        consumer.Assign(remaining.Keys.Select(p => new TopicPartitionOffset(topic, p, starts.GetValueOrDefault(p))));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (remaining.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is null || result.IsPartitionEOF)
                continue;
            records.Add(new TopicRecord(result.Partition.Value, result.Offset.Value,
                result.Message.Key is { } key ? Encoding.UTF8.GetString(key) : null, result.Message.Value ?? [],
                (result.Message.Headers ?? []).GroupBy(h => h.Key)
                    .ToDictionary(g => g.Key, g => Encoding.UTF8.GetString(g.Last().GetValueBytes() ?? []), StringComparer.Ordinal)));
            if (result.Offset.Value + 1 >= remaining.GetValueOrDefault(result.Partition.Value, long.MaxValue))
                remaining.Remove(result.Partition.Value);
        }
        if (remaining.Count > 0)
            throw new TimeoutException($"{topic}: partitions {string.Join(", ", remaining.Keys)} were not read to their end");
        return records;
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

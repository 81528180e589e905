using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Referrals.Service.Messaging;

/// <summary>
/// The offsets one Kafka consumer stored but could not commit, and where it resumes when a partition comes back.
/// Wolverine stores a record's offset once the record is in the durable inbox and lets librdkafka's auto-commit send
/// it; a commit during a rebalance ("Offset commit (unassigned partitions) failed ... Group rebalance in progress")
/// loses it, and the partition, assigned again, starts from the older committed offset. The record there is read
/// again, but Wolverine's offset watermark never stores a position twice, so the group's committed offset stayed one
/// behind until the next record came (consumer lag 1 for as long as the topic was quiet, the record redelivered by
/// any restart). Here such a position is committed when its partition is assigned again, unless the group already
/// went past it, and the consumer starts there: everything before it is in the inbox already.
/// </summary>
public sealed class UnlandedOffsets
{
    private readonly ConcurrentDictionary<TopicPartition, long> _unlanded = new();

    /// <summary>Installs both handlers on a consumer's builder: one instance per consumer.</summary>
    public static void Watch(ConsumerBuilder<string, byte[]> builder, TimeSpan brokerTimeout)
    {
        var unlanded = new UnlandedOffsets();
        builder.SetOffsetsCommittedHandler((_, committed) => unlanded.Observe(committed));
        builder.SetPartitionsAssignedHandler((consumer, partitions) => unlanded.ResumeAt(partitions,
            asked => consumer.Committed(asked, brokerTimeout), offsets => consumer.Commit(offsets)));
    }

    /// <summary>Remembers each position a commit failed to land; forgets it once a commit reached it.</summary>
    public void Observe(CommittedOffsets committed)
    {
        foreach (var offset in committed.Offsets)
        {
            if (offset.Offset.Value < 0)
                continue;
            if (committed.Error.IsError || offset.Error.IsError)
                _unlanded.AddOrUpdate(offset.TopicPartition, offset.Offset.Value, (_, known) => Math.Max(known, offset.Offset.Value));
            else if (_unlanded.TryGetValue(offset.TopicPartition, out var known) && offset.Offset.Value >= known)
                _unlanded.TryRemove(KeyValuePair.Create(offset.TopicPartition, known));
        }
    }

    /// <summary>
    /// Where each assigned partition starts: its unlanded position when the group's committed offset is behind it
    /// (committed first, through <paramref name="commit"/>), otherwise the committed offset as always.
    /// </summary>
    public List<TopicPartitionOffset> ResumeAt(List<TopicPartition> partitions,
        Func<List<TopicPartition>, List<TopicPartitionOffset>> committedOf, Action<List<TopicPartitionOffset>> commit)
    {
        var pending = partitions.Where(_unlanded.ContainsKey).ToList();
        var starts = partitions.ToDictionary(p => p, p => Offset.Unset);
        if (pending.Count == 0)
            return [.. starts.Select(s => new TopicPartitionOffset(s.Key, s.Value))];
        try
        {
            var behind = committedOf(pending)
                .Where(c => _unlanded.TryGetValue(c.TopicPartition, out var position) && c.Offset.Value < position)
                .Select(c => new TopicPartitionOffset(c.TopicPartition, new Offset(_unlanded[c.TopicPartition])))
                .ToList();
            if (behind.Count > 0)
                commit(behind);
            foreach (var position in behind)
                starts[position.TopicPartition] = position.Offset;
            foreach (var partition in pending)
                _unlanded.TryRemove(partition, out _);
        }
        catch (KafkaException)
        {
            // The broker did not answer: start from the committed offset as always (the record is read again, and
            // the position stays remembered for the next assignment).
        }
        return [.. starts.Select(s => new TopicPartitionOffset(s.Key, s.Value))];
    }
}

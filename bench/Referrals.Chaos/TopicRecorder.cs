using System.Text;
using Confluent.Kafka;

namespace Referrals.Chaos;

/// <summary>
/// Records a topic from where it ended when the run started, on its own thread, while the run goes on. Read at the end
/// instead, the run's records would be gone: the dev broker (librdkafka's mock cluster) keeps little of a partition and
/// drops the oldest records as new ones come, and every event of the dev shop shares one partition (key = shop_id).
/// Offsets are contiguous there, so a gap is a record dropped before it was read: counted, never silently skipped.
/// </summary>
public sealed class TopicRecorder : IDisposable
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(2);
    private readonly string _bootstrap;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly Dictionary<int, long> _next;
    private readonly List<TopicRecord> _records = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _dropped;

    private TopicRecorder(string bootstrap, string topic)
    {
        _bootstrap = bootstrap;
        Topic = topic;
        _next = KafkaTopics.Ends(bootstrap, topic);
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"chaos-{Guid.NewGuid():N}", // assigned partitions, nothing committed
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        _consumer.Assign(_next.Select(p => new TopicPartitionOffset(topic, p.Key, p.Value)));
        _thread = new Thread(RecordUntilStopped) { IsBackground = true, Name = $"{topic} recorder" };
        _thread.Start();
    }

    public string Topic { get; }

    /// <summary>Records of the run that the broker dropped before they were read.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
                return _dropped;
        }
    }

    public static TopicRecorder StartAtEnd(string bootstrap, string topic) => new(bootstrap, topic);

    /// <summary>Every record since the start, once the recorder has read up to where the topic ends now.</summary>
    public List<TopicRecord> CatchUp()
    {
        var ends = KafkaTopics.Ends(_bootstrap, Topic);
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        while (true)
        {
            lock (_gate)
            {
                if (ends.All(end => _next.GetValueOrDefault(end.Key) >= end.Value))
                    return [.. _records];
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Topic} was not read to its end within {CatchUpTimeout.TotalSeconds} s");
            Thread.Sleep(100);
        }
    }

    private void RecordUntilStopped()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = _consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException)
            {
                continue; // the broker away: the consumer reconnects by itself
            }
            if (result?.Message is null)
                continue;
            var partition = result.Partition.Value;
            var record = new TopicRecord(partition, result.Offset.Value,
                result.Message.Key is { } key ? Encoding.UTF8.GetString(key) : null, result.Message.Value ?? [],
                (result.Message.Headers ?? []).GroupBy(h => h.Key)
                    .ToDictionary(g => g.Key, g => Encoding.UTF8.GetString(g.Last().GetValueBytes() ?? []), StringComparer.Ordinal));
            lock (_gate)
            {
                var expected = _next.GetValueOrDefault(partition);
                if (record.Offset > expected)
                    _dropped += record.Offset - expected;
                if (record.Offset >= expected)
                {
                    _records.Add(record);
                    _next[partition] = record.Offset + 1;
                }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }
}

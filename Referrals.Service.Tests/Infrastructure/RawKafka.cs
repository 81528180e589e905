using System.Text;
using Confluent.Kafka;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Kafka records as bytes and headers, the way kcat or an operator's tool sees them (payloads need not be JSON).</summary>
public sealed record RawRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, IReadOnlyList<(string Name, byte[] Value)> Headers)
{
    public string? Header(string name) =>
        Headers.LastOrDefault(h => h.Name == name) is { Value: { } value } ? Encoding.UTF8.GetString(value) : null;

    public string? KeyText => Key is null ? null : Encoding.UTF8.GetString(Key);

    public string ValueText => Value is null ? "" : Encoding.UTF8.GetString(Value);
}

/// <summary>A plain Confluent.Kafka consumer and producer, outside the service.</summary>
public static class RawKafka
{
    /// <summary>Reads the topic from the start until <paramref name="count"/> records match, or the time is up.</summary>
    public static IReadOnlyList<RawRecord> Read(string bootstrap, string topic, Func<RawRecord, bool> match, int count, TimeSpan within,
        CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        var found = new List<RawRecord>();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && found.Count < count && !ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null)
                continue;
            var record = new RawRecord(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value,
                [.. (result.Message.Headers ?? []).Select(h => (h.Key, h.GetValueBytes()))]);
            if (match(record))
                found.Add(record);
        }
        consumer.Close();
        return found;
    }

    public static async Task ProduceAsync(string bootstrap, string topic, IEnumerable<RawRecord> records, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 5 })
            .SetLogHandler((_, _) => { }).Build();
        var sends = new List<Task>();
        foreach (var record in records)
        {
            var headers = new Headers();
            foreach (var (name, value) in record.Headers)
                headers.Add(name, value);
            sends.Add(producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value, Headers = headers }, ct));
        }
        await Task.WhenAll(sends);
    }

    /// <summary>A record to produce: key, value and headers as text.</summary>
    public static RawRecord Record(string? key, string value, params (string Name, string Value)[] headers) =>
        new("", 0, 0, key is null ? null : Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value),
            [.. headers.Select(h => (h.Name, Encoding.UTF8.GetBytes(h.Value)))]);
}

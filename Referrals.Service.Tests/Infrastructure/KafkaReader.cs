using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>A plain Confluent.Kafka consumer, the way a downstream team would read our topics.</summary>
public sealed record KafkaRecord(string Topic, string? Key, JsonElement Payload, IReadOnlyDictionary<string, string> Headers);

public static class KafkaReader
{
    /// <summary>Reads the topic from the start until <paramref name="count"/> records match, or the time is up.</summary>
    public static IReadOnlyList<KafkaRecord> Read(string bootstrap, string topic, Func<KafkaRecord, bool> match,
        int count, TimeSpan within, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"tests-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);

        var found = new List<KafkaRecord>();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && found.Count < count && !ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null)
                continue;
            // referrals.dlq holds what could not be read, by design: skip payloads that are not JSON.
            if (Json(result.Message.Value) is not { } payload)
                continue;
            var record = new KafkaRecord(result.Topic, result.Message.Key, payload,
                (result.Message.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes())));
            if (match(record))
                found.Add(record);
        }
        consumer.Close();
        return found;
    }

    private static JsonElement? Json(byte[]? value)
    {
        try
        {
            return value is null ? null : JsonDocument.Parse(value).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

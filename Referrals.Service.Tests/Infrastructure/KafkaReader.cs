using System.Text;
using System.Text.Json;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>A record of one of our topics as a downstream team reads it: JSON payload, headers by name.</summary>
public sealed record KafkaRecord(string Topic, string? Key, JsonElement Payload, IReadOnlyDictionary<string, string> Headers);

public static class KafkaReader
{
    /// <summary>
    /// Reads the topic from the start until <paramref name="count"/> JSON records match, or the time is up. Records
    /// that are not JSON are skipped: referrals.dlq also holds poison messages exactly as they arrived.
    /// </summary>
    public static IReadOnlyList<KafkaRecord> Read(string bootstrap, string topic, Func<KafkaRecord, bool> match,
        int count, TimeSpan within, CancellationToken ct) =>
        [.. RawKafka.Read(bootstrap, topic, raw => AsJson(raw) is { } record && match(record), count, within, ct).Select(raw => AsJson(raw)!)];

    private static KafkaRecord? AsJson(RawRecord raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw.Value ?? []);
            var headers = new Dictionary<string, string>();
            foreach (var (name, value) in raw.Headers)
                headers[name] = Encoding.UTF8.GetString(value); // the last one wins, as with Kafka header lookups
            return new KafkaRecord(raw.Topic, raw.KeyText, document.RootElement.Clone(), headers);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

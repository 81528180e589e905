using Confluent.Kafka;
using Wolverine;
using Wolverine.Kafka.Internals;

namespace Referrals.Service.Messaging;

/// <summary>
/// librdkafka settings from configuration, for every Kafka client the service and its operator commands create:
/// each key under `Kafka:Client` is a librdkafka property (`security.protocol`, `sasl.mechanism`, `sasl.username`,
/// `sasl.password`, `ssl.ca.location`, ...), copied as it is. Environment variables cannot always hold a '.',
/// so `_` stands for it too: `Kafka__Client__security_protocol=SASL_SSL` is `security.protocol`.
/// Applied before the service's own settings: acks, idempotence, group ids and offsets are the service's guarantees.
/// </summary>
public static class KafkaClientSettings
{
    public const string SectionKey = "Kafka:Client";

    /// <summary>A new dictionary each call: Confluent's configs keep the dictionary they are built from.</summary>
    public static Dictionary<string, string> From(IConfiguration configuration) =>
        configuration.GetSection(SectionKey).AsEnumerable(makePathsRelative: true)
            .Where(setting => setting.Value is not null)
            .ToDictionary(setting => LibrdkafkaName(setting.Key), setting => setting.Value!, StringComparer.Ordinal);

    /// <summary>Copies the configured librdkafka settings into <paramref name="config"/>.</summary>
    public static TConfig WithClientSettings<TConfig>(this TConfig config, IConfiguration configuration) where TConfig : ClientConfig
    {
        foreach (var (name, value) in From(configuration))
            config.Set(name, value);
        return config;
    }

    /// <summary>Wolverine's producers, consumers and admin client (topic provisioning) get the same settings.</summary>
    public static void ApplyTo(WolverineOptions options, IConfiguration configuration)
    {
        var transport = options.Transports.GetOrCreate<KafkaTransport>();
        transport.ProducerConfig.WithClientSettings(configuration);
        transport.ConsumerConfig.WithClientSettings(configuration);
        transport.AdminClientConfig.WithClientSettings(configuration);
    }

    private static string LibrdkafkaName(string key) => key.Replace(':', '.').Replace('_', '.').ToLowerInvariant();
}

using System.Text.Json;
using Confluent.SchemaRegistry;
using Referrals.Service.Messaging.EventContracts;
using Wolverine.Kafka;
using Wolverine.Kafka.Internals;

namespace Referrals.Service.Messaging;

/// <summary>
/// How events cross Kafka: wire JSON (snake_case, readable with kcat) by default; Avro in Confluent's wire
/// format for every topic with a committed contract (protos/events/) when `Kafka:SchemaRegistryUrl` is set.
/// </summary>
public static class KafkaEventContracts
{
    public const string SchemaRegistryUrlKey = "Kafka:SchemaRegistryUrl";

    /// <summary>Registers Confluent's registry client when `Kafka:SchemaRegistryUrl` is set; answers whether it did.</summary>
    public static bool AddSchemaRegistryWhenConfigured(this WebApplicationBuilder builder)
    {
        var url = builder.Configuration[SchemaRegistryUrlKey];
        if (string.IsNullOrWhiteSpace(url))
            return false;

        builder.Services.AddSingleton<ISchemaRegistryClient>(_ => new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = url }));
        return true;
    }

    /// <summary>
    /// Every sending topic with a committed contract goes out as Confluent Avro through the registered
    /// <see cref="ISchemaRegistryClient"/>. A policy, so the topics that slices declare later are covered too.
    /// </summary>
    public static KafkaTransportExpression UseAvroEventContracts(this KafkaTransportExpression transport) =>
        transport.ConfigureSenders(sender => sender.UseInterop((runtime, topic) => EventSchemas.Exists(topic.TopicName)
            ? new ConfluentAvroEnvelopeMapper(topic, runtime.Services.GetRequiredService<ISchemaRegistryClient>())
            : new KafkaEnvelopeMapper(topic)));

    /// <summary>
    /// Listen for <typeparamref name="T"/> from producers outside Wolverine: wire JSON, or Confluent Avro resolved to
    /// the latest committed schema when a schema registry is configured.
    /// </summary>
    public static KafkaListenerConfiguration ReceiveWireEvents<T>(this KafkaListenerConfiguration listener) =>
        // A copy: Wolverine's serializer adjusts the options it is given, and the shared ones may already be frozen by use.
        listener.ReceiveRawJson<T>(new JsonSerializerOptions(WireJson.Options))
            .UseInterop((runtime, topic) => new ConfluentAvroEnvelopeMapper(topic, runtime.Services.GetService<ISchemaRegistryClient>()));
}

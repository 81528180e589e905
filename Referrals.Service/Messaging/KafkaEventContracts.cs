using System.Text.Json;
using Confluent.SchemaRegistry;
using Referrals.Service.Messaging.EventContracts;
using Wolverine.Kafka;
using Wolverine.Kafka.Internals;

namespace Referrals.Service.Messaging;

/// <summary>
/// How events cross Kafka: wire JSON (snake_case, readable with kcat) by default; Avro in Confluent's wire format for
/// every topic with a committed contract (protos/events/) with `Kafka:WireFormat=avro`. Listeners for other services'
/// events read both whenever a schema registry is configured (`Kafka:SchemaRegistryUrl`).
/// </summary>
public static class KafkaEventContracts
{
    public const string SchemaRegistryUrlKey = SchemaRegistrySettings.UrlKey;
    public const string WireFormatKey = "Kafka:WireFormat";

    /// <summary>
    /// Registers the <see cref="KafkaWire"/> and, when `Kafka:SchemaRegistryUrl` is set, Confluent's registry client;
    /// answers whether the service writes Avro.
    /// </summary>
    public static bool AddSchemaRegistryWhenConfigured(this WebApplicationBuilder builder)
    {
        var wire = WireFrom(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(wire);
        if (SchemaRegistrySettings.From(builder.Configuration) is { } registry)
            builder.Services.AddSingleton<ISchemaRegistryClient>(_ => new CachedSchemaRegistryClient(registry));
        else if (wire.WritesAvro)
            throw new InvalidOperationException($"{WireFormatKey}=avro needs {SchemaRegistryUrlKey} (the schema registry's URL).");
        return wire.WritesAvro;
    }

    public static KafkaWire WireFrom(IConfiguration configuration, IHostEnvironment environment) =>
        configuration[WireFormatKey]?.ToLowerInvariant() switch
        {
            null or "" or "json" => KafkaWire.Json,
            "avro" => new KafkaWire(KafkaWireFormat.Avro, AutoRegisterSchemas: environment.IsDevelopment()),
            var other => throw new InvalidOperationException($"{WireFormatKey} '{other}' is not one of json, avro."),
        };

    /// <summary>
    /// Every sending topic with a committed contract goes out as Confluent Avro through the registered
    /// <see cref="ISchemaRegistryClient"/>. A policy, so the topics that slices declare later are covered too.
    /// </summary>
    public static KafkaTransportExpression UseAvroEventContracts(this KafkaTransportExpression transport) =>
        transport.ConfigureSenders(sender => sender.UseInterop((runtime, topic) => EventSchemas.Exists(topic.TopicName)
            ? Mapper(runtime.Services, topic)
            : new KafkaEnvelopeMapper(topic)));

    /// <summary>
    /// Listen for <typeparamref name="T"/> from producers outside Wolverine: wire JSON, or Confluent Avro resolved to
    /// the latest committed schema when a schema registry is configured.
    /// </summary>
    public static KafkaListenerConfiguration ReceiveWireEvents<T>(this KafkaListenerConfiguration listener) =>
        // A copy: Wolverine's serializer adjusts the options it is given, and the shared ones may already be frozen by use.
        listener.ReceiveRawJson<T>(new JsonSerializerOptions(WireJson.Options)).AcceptConfluentAvro();

    /// <summary>
    /// The listener reads JSON and Confluent Avro alike. Wolverine keeps one endpoint per topic, so a topic the service
    /// also sends to (cache.invalidate) writes through the same mapper, in the configured <see cref="KafkaWire"/> format.
    /// </summary>
    public static KafkaListenerConfiguration AcceptConfluentAvro(this KafkaListenerConfiguration listener) =>
        listener.UseInterop((runtime, topic) => Mapper(runtime.Services, topic));

    private static ConfluentAvroEnvelopeMapper Mapper(IServiceProvider services, KafkaTopic topic) =>
        new(topic, services.GetService<ISchemaRegistryClient>(), services.GetService<KafkaWire>() ?? KafkaWire.Json);
}

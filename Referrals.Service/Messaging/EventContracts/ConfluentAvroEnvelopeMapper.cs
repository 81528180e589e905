using System.Collections.Concurrent;
using Avro;
using Avro.Generic;
using Avro.IO;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Wolverine;
using Wolverine.Kafka;
using Wolverine.Kafka.Internals;
using Wolverine.Util;

namespace Referrals.Service.Messaging.EventContracts;

/// <summary>
/// Kafka mapping of a topic that has a committed event contract.
/// Outgoing, when the <see cref="KafkaWire"/> writes Avro: the outbox keeps the wire JSON; at send time it becomes the
/// Avro record of the schema version named by the `schema_version` header, in Confluent's wire format, under the
/// subject `&lt;topic&gt;-value` (registered by the serializer in Development, looked up elsewhere: `register-schemas`).
/// A registry that cannot be reached, or a schema not registered, fails the send, so the event waits in the outbox
/// like for a broker outage. Otherwise the outgoing mapping is Wolverine's (JSON).
/// Incoming, whatever the wire format: a Confluent-Avro payload (magic byte 0) is read with its writer's schema
/// (fetched by id), resolved to this service's latest committed schema by Avro's rules, and handed on as wire JSON;
/// a JSON payload passes unchanged. A framed payload that does not decode (a schema id the registry does not know,
/// a cut-off body, a writer's schema that does not resolve to ours, the registry unreachable) is handed on as it
/// came, with <see cref="DecodeErrorHeader"/> saying why: it then fails to read as the event and is parked on
/// referrals.dlq with its bytes. Throwing here would lose it: Wolverine logs a record whose mapping fails and moves
/// past its offset.
/// </summary>
public sealed class ConfluentAvroEnvelopeMapper : IKafkaEnvelopeMapper
{
    public const string AvroContentType = "application/vnd.confluent.avro";
    public const string JsonContentType = "application/json";
    private const string ContentTypeHeader = "content-type";

    /// <summary>Why a Confluent-Avro payload did not decode (no payload content); absent when it did.</summary>
    public const string DecodeErrorHeader = "avro_decode_error";

    private readonly KafkaEnvelopeMapper _wolverine;
    private readonly KafkaTopic _topic;
    private readonly ISchemaRegistryClient? _registry;
    private readonly AvroSerializer<GenericRecord>? _serializer;
    private readonly ConcurrentDictionary<int, Avro.Schema> _writerSchemas = new();

    public ConfluentAvroEnvelopeMapper(KafkaTopic topic, ISchemaRegistryClient? registry, KafkaWire wire)
    {
        _wolverine = new KafkaEnvelopeMapper(topic);
        _topic = topic;
        _registry = registry;
        if (registry is not null && wire.WritesAvro)
            _serializer = new AvroSerializer<GenericRecord>(registry, new AvroSerializerConfig
            {
                AutoRegisterSchemas = wire.AutoRegisterSchemas,
                // The exact committed version the event names, never the subject's latest.
                UseLatestVersion = false,
                // Explicit: the subject is `<topic>-value`, without the association lookup of newer defaults.
                SubjectNameStrategy = SubjectNameStrategy.Topic,
            });
    }

    public void MapEnvelopeToOutgoing(Envelope envelope, Message<string, byte[]> outgoing)
    {
        _wolverine.MapEnvelopeToOutgoing(envelope, outgoing);
        // Wolverine's own liveness ping (sent when a sender resumes after an outage) is no event.
        // Nor is a record that did not decode, which leaves for referrals.dlq as it came.
        if (_serializer is null || envelope.IsPing() || envelope.Headers.ContainsKey(DecodeErrorHeader))
            return;

        if (!envelope.Headers.TryGetValue(KafkaEnvelope.SchemaVersionHeader, out var version) || version is null)
            throw new EventContractException($"an event for {_topic.TopicName} has no {KafkaEnvelope.SchemaVersionHeader} header");
        var schema = EventSchemas.For(_topic.TopicName, version).Schema;
        var record = WireJsonAvro.ToAvro(outgoing.Value, schema);

        // Wolverine's mapper contract is synchronous; the registry client caches ids, so only a topic's first
        // event of a schema version waits for the registry.
        outgoing.Value = _serializer.SerializeAsync(record,
                new SerializationContext(MessageComponentType.Value, _topic.TopicName, outgoing.Headers))
            .GetAwaiter().GetResult();
        outgoing.Headers.Remove(ContentTypeHeader);
        outgoing.Headers.Add(ContentTypeHeader, System.Text.Encoding.UTF8.GetBytes(AvroContentType));
    }

    public void MapIncomingToEnvelope(Envelope envelope, Message<string, byte[]> incoming)
    {
        _wolverine.MapIncomingToEnvelope(envelope, incoming);
        // Producers outside Wolverine send no message-type header; the topic carries one event type.
        if (string.IsNullOrEmpty(envelope.MessageType) && _topic.MessageType is not null)
            envelope.MessageType = _topic.MessageType.ToMessageTypeName();
        if (incoming.Value is null || !ConfluentWireFormat.IsFramed(incoming.Value))
            return;

        if (_registry is null)
            throw new EventContractException(
                $"a Confluent-Avro event arrived on {_topic.TopicName} but Kafka:SchemaRegistryUrl is not configured");
        try
        {
            envelope.Data = WireJsonAvro.ToJson(Decode(incoming.Value));
            envelope.ContentType = JsonContentType;
        }
        catch (Exception e)
        {
            envelope.ContentType = AvroContentType;
            envelope.Headers[DecodeErrorHeader] = $"{e.GetType().Name}: {DecodeFailure(e)}";
        }
    }

    // The registry's refusal names the id; Avro's own messages name schemas and fields, never values.
    private string DecodeFailure(Exception e) => e switch
    {
        SchemaRegistryException refused => $"the schema registry has no schema of this id ({refused.Message})",
        HttpRequestException or OperationCanceledException => $"the schema registry did not answer ({e.Message})",
        EndOfStreamException or AvroException { Message: "End of stream reached" } => "the Avro body ends before the record does",
        _ => $"the Avro record does not decode as {_topic.TopicName}'s schema {EventSchemas.Latest(_topic.TopicName).Version} ({e.Message})",
    };

    private GenericRecord Decode(byte[] payload)
    {
        var schemaId = ConfluentWireFormat.SchemaId(payload);
        var writerSchema = _writerSchemas.GetOrAdd(schemaId,
            id => Avro.Schema.Parse(_registry!.GetSchemaAsync(id).GetAwaiter().GetResult().SchemaString));
        var readerSchema = EventSchemas.Latest(_topic.TopicName).Schema;
        using var body = new MemoryStream(payload, ConfluentWireFormat.HeaderLength, payload.Length - ConfluentWireFormat.HeaderLength);
        return new GenericDatumReader<GenericRecord>(writerSchema, readerSchema).Read(null!, new BinaryDecoder(body));
    }
}

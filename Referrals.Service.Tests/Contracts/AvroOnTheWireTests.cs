extern alias service;

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using service::Referrals.Service.Messaging.EventContracts;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.Kafka;
using Wolverine.Kafka.Internals;
using service::Referrals.Service.Caching;
using service::Referrals.Service.Correlation;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Tiers;
using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// With a schema registry configured, events leave in Confluent's wire format (magic byte 0, the registered schema id
/// big-endian, Avro binary) under the subject `&lt;topic&gt;-value`, and Confluent-Avro events arrive as wire JSON.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class AvroOnTheWireTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 4, 5, 678, TimeSpan.Zero);
    private readonly InMemorySchemaRegistry registry = new();

    [Fact]
    public void A_produced_event_goes_out_in_the_confluent_wire_format_with_the_schema_registered_for_its_topic()
    {
        var shopId = Guid.NewGuid();
        var task = new ReferralTask(Guid.NewGuid(), Guid.NewGuid(), shopId, ReferralTask.Invite, "he", Now, "corr-1");
        var envelope = Outgoing(task, shopId, ReferralTask.EventType, ReferralTask.SchemaVersion);
        var message = MessageOf(envelope);

        Mapper(Topics.ReferralTask).MapEnvelopeToOutgoing(envelope, message);

        message.Value[0].ShouldBe((byte)0);
        var schemaId = BinaryPrimitives.ReadInt32BigEndian(message.Value.AsSpan(1, 4));
        registry.Subjects.Keys.ShouldBe(["referral.task-value"]);
        registry.Subjects["referral.task-value"].ShouldBe([schemaId]);
        var registered = Avro.Schema.Parse(registry.SchemaString(schemaId));
        registered.ShouldBe(EventSchemas.For(ReferralTask.EventType, ReferralTask.SchemaVersion).Schema);
        var decoded = AvroSamples.Decode(message.Value[5..], registered, registered);
        decoded["event_id"].ShouldBe(task.EventId);
        decoded["shop_id"].ShouldBe(shopId);
        decoded["task_type"].ShouldBe(ReferralTask.Invite);
        decoded["locale"].ShouldBe("he");
        decoded["created_at"].ShouldBe(Now.UtcDateTime);
        decoded["correlation_id"].ShouldBe("corr-1");
        Header(message, KafkaEnvelope.EventTypeHeader).ShouldBe(ReferralTask.EventType);
        Header(message, KafkaEnvelope.SchemaVersionHeader).ShouldBe(ReferralTask.SchemaVersion);
        Header(message, KafkaEnvelope.CorrelationIdHeader).ShouldBe("corr-1");
        Header(message, "content-type").ShouldBe(ConfluentAvroEnvelopeMapper.AvroContentType);
    }

    [Fact]
    public void Every_event_of_a_topic_and_version_reuses_the_one_registered_schema_id()
    {
        var shopId = Guid.NewGuid();
        var mapper = Mapper(Topics.CacheInvalidate);
        var ids = new List<int>();

        foreach (var key in new[] { "referral:a", "referral:b" })
        {
            var envelope = Outgoing(new CacheInvalidate(key, shopId, ReferralStatusCache.Type, "en", Now), shopId,
                CacheInvalidate.EventType, CacheInvalidate.SchemaVersion);
            var message = MessageOf(envelope);
            mapper.MapEnvelopeToOutgoing(envelope, message);
            ids.Add(BinaryPrimitives.ReadInt32BigEndian(message.Value.AsSpan(1, 4)));
        }

        ids.Distinct().ShouldHaveSingleItem();
        registry.Subjects["cache.invalidate-value"].ShouldBe([ids[0]]);
    }

    [Fact]
    public void An_event_without_a_schema_version_header_is_refused_instead_of_sent_unversioned()
    {
        var shopId = Guid.NewGuid();
        var envelope = new Envelope(new CacheInvalidate("referral:a", shopId, ReferralStatusCache.Type, "en", Now))
        {
            Data = JsonSerializer.SerializeToUtf8Bytes(new CacheInvalidate("referral:a", shopId, ReferralStatusCache.Type, "en", Now),
                WireJson.Options),
        };

        Should.Throw<EventContractException>(() => Mapper(Topics.CacheInvalidate).MapEnvelopeToOutgoing(envelope, MessageOf(envelope)));
        registry.Subjects.ShouldBeEmpty();
    }

    [Fact]
    public void Wolverines_sender_ping_passes_unchanged_so_a_sender_can_resume_after_an_outage()
    {
        var ping = Envelope.ForPing(new Uri($"kafka://topic/{Topics.ReferralTask}"));
        var message = MessageOf(ping);
        var body = message.Value;

        Mapper(Topics.ReferralTask).MapEnvelopeToOutgoing(ping, message);

        message.Value.ShouldBe(body);
        registry.Subjects.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_confluent_avro_event_from_an_older_writer_arrives_as_wire_json_of_the_latest_schema()
    {
        var v1 = EventSchemas.For(ReferralCompleted.EventType, "1.0.0").Schema;
        var written = AvroSamples.RecordOf(v1);
        var payload = await ProducedElsewhere(written, Topics.ReferralCompleted);
        var (envelope, message) = Incoming(Topics.ReferralCompleted, payload);

        Mapper(Topics.ReferralCompleted).MapIncomingToEnvelope(envelope, message);

        var json = JsonDocument.Parse(envelope.Data!).RootElement;
        json.EnumerateObject().Select(p => p.Name)
            .ShouldBe(EventSchemas.Latest(Topics.ReferralCompleted).Schema.Fields.Select(f => f.Name));
        json.GetProperty("referral_id").GetGuid().ShouldBe((Guid)written["referral_id"]);
        json.GetProperty("created_at").GetDateTimeOffset().ShouldBe(new DateTimeOffset((DateTime)written["created_at"]));
        json.GetProperty("tier_id").ValueKind.ShouldBe(JsonValueKind.Null);
        json.GetProperty("bonus_multiplier").GetDouble().ShouldBe(1.0);
        json.GetProperty("bonus_points").GetInt64().ShouldBe(0);
        envelope.ContentType.ShouldBe(ConfluentAvroEnvelopeMapper.JsonContentType);
    }

    [Fact]
    public async Task Writing_json_with_a_registry_configured_sends_json_and_still_reads_confluent_avro()
    {
        var mapper = Mapper(Topics.CacheInvalidate, KafkaWire.Json);
        var shopId = Guid.NewGuid();
        var outgoing = Outgoing(new CacheInvalidate("referral:a", shopId, ReferralStatusCache.Type, "en", Now), shopId,
            CacheInvalidate.EventType, CacheInvalidate.SchemaVersion);
        var sent = MessageOf(outgoing);
        var json = sent.Value;
        var written = AvroSamples.RecordOf(EventSchemas.Latest(Topics.CacheInvalidate).Schema);
        var (incoming, received) = Incoming(Topics.CacheInvalidate, await ProducedElsewhere(written, Topics.CacheInvalidate));

        mapper.MapEnvelopeToOutgoing(outgoing, sent);
        mapper.MapIncomingToEnvelope(incoming, received);

        sent.Value.ShouldBe(json);
        registry.Subjects.Keys.ShouldBe(["cache.invalidate-value"]); // only the other producer's registration
        JsonDocument.Parse(incoming.Data!).RootElement.GetProperty("key").GetString().ShouldBe((string)written["key"]);
    }

    [Fact]
    public void Outside_development_an_event_whose_schema_was_not_registered_ahead_is_not_sent()
    {
        var shopId = Guid.NewGuid();
        var envelope = Outgoing(new CacheInvalidate("referral:a", shopId, ReferralStatusCache.Type, "en", Now), shopId,
            CacheInvalidate.EventType, CacheInvalidate.SchemaVersion);

        Should.Throw<SchemaRegistryException>(() => Mapper(Topics.CacheInvalidate, new KafkaWire(KafkaWireFormat.Avro, AutoRegisterSchemas: false))
            .MapEnvelopeToOutgoing(envelope, MessageOf(envelope)));
        registry.Subjects.ShouldBeEmpty();
    }

    [Fact]
    public void A_json_event_arrives_unchanged()
    {
        var json = """{"event_id":"0b6c1f7e-3f43-4c1a-9d5e-2f1f6b0e8a11","tier_id":"gold"}"""u8.ToArray();
        var (envelope, message) = Incoming(Topics.VipTierAssigned, json);

        Mapper(Topics.VipTierAssigned).MapIncomingToEnvelope(envelope, message);

        envelope.Data.ShouldBe(json);
    }

    [Fact]
    public async Task A_confluent_avro_event_without_a_configured_registry_is_refused_with_the_reason()
    {
        var schema = EventSchemas.Latest(Topics.VipTierAssigned).Schema;
        var payload = await ProducedElsewhere(AvroSamples.RecordOf(schema), Topics.VipTierAssigned);
        var (envelope, message) = Incoming(Topics.VipTierAssigned, payload);
        var withoutRegistry = new ConfluentAvroEnvelopeMapper(Topic(Topics.VipTierAssigned), registry: null, KafkaWire.Json);

        Should.Throw<EventContractException>(() => withoutRegistry.MapIncomingToEnvelope(envelope, message))
            .Message.ShouldContain(KafkaEventContracts.SchemaRegistryUrlKey);
    }

    /// <summary>What another team's producer puts on the topic: Confluent's own Avro serializer, subject `&lt;topic&gt;-value`.</summary>
    private Task<byte[]> ProducedElsewhere(GenericRecord record, string topicName) =>
        new AvroSerializer<GenericRecord>(registry, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic })
            .SerializeAsync(record, new SerializationContext(MessageComponentType.Value, topicName));

    /// <summary>The envelope as Wolverine's Kafka listener starts it, before the mapper runs.</summary>
    private static (Envelope, Message<string, byte[]>) Incoming(string topicName, byte[] payload) =>
        (new Envelope { Data = payload, TopicName = topicName }, new Message<string, byte[]> { Value = payload, Headers = [] });

    private ConfluentAvroEnvelopeMapper Mapper(string topicName, KafkaWire? wire = null) =>
        new(Topic(topicName), registry, wire ?? new KafkaWire(KafkaWireFormat.Avro, AutoRegisterSchemas: true));

    private static KafkaTopic Topic(string topicName) => new(new KafkaTransport(), topicName, EndpointRole.Application);

    private static Envelope Outgoing<T>(T message, Guid shopId, string eventType, string schemaVersion) where T : notnull
    {
        var envelope = new Envelope(message)
        {
            Data = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Options),
            PartitionKey = shopId.ToString("D", CultureInfo.InvariantCulture),
        };
        envelope.Headers[KafkaEnvelope.CorrelationIdHeader] = message switch
        {
            ReferralTask task => task.CorrelationId,
            _ => "corr",
        };
        envelope.Headers[KafkaEnvelope.EventTypeHeader] = eventType;
        envelope.Headers[KafkaEnvelope.SchemaVersionHeader] = schemaVersion;
        return envelope;
    }

    private static Message<string, byte[]> MessageOf(Envelope envelope) =>
        new() { Key = envelope.PartitionKey!, Value = envelope.Data!, Headers = [] };

    private static string? Header(Message<string, byte[]> message, string key) =>
        message.Headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}

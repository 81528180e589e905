extern alias service;

using System.Buffers.Binary;
using System.Net;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Referrals.Service.Tests.Conversions;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Tiers;
using service::Referrals.Service.Messaging;
using service::Referrals.Service.Messaging.EventContracts;
using service::Referrals.Service.Operator;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// Avro from a real service process: resource `referrals-avro`, a third instance with Kafka:WireFormat=avro (same
/// database, broker and consumer groups as the suite's two JSON writers), started by this test and stopped after it.
/// What it writes is read off Kafka by a plain consumer with Confluent's own deserializer; the JSON instances, which
/// share its consumer groups, read its Avro cache.invalidate records without a dead letter or an error log.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class AvroInstanceTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(30);
    private const long Referrer = 108400;
    private const long Buyer = 108401;
    private const long OrderId = 7160000001;

    [Fact]
    public async Task An_instance_writing_avro_puts_referral_completed_on_kafka_in_confluent_avro_and_applies_an_avro_tier_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = app.SchemaRegistryUrl });
        var deserializer = new AvroDeserializer<GenericRecord>(registry);
        await RegisterSchemasCommand.RegisterAsync(registry, TextWriter.Null, ct);
        var gold = Guid.NewGuid();
        ConversionFlow.CreatedLink referral;
        await app.StartResourceAsync(ReferralsApp.AvroServiceInstance, ct);
        try
        {
            referral = await app.CreateReferralAsync(ShopifyWebhooks.Main, Referrer, ct);
            using var avroInstance = new HttpClient { BaseAddress = app.AvroHttpAddress, Timeout = TimeSpan.FromSeconds(30) };
            (await avroInstance.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(Buyer, discountCode: referral.LinkId, orderId: OrderId), ct: ct))
                .StatusCode.ShouldBe(HttpStatusCode.OK);

            var completed = RawKafka.Read(app.KafkaBootstrap, Topics.ReferralCompleted,
                raw => ConfluentWireFormat.IsFramed(raw.Value ?? []) && Decode(deserializer, raw)["referral_id"] is Guid id && id == referral.ReferralId,
                count: 1, KafkaWait, ct).ShouldHaveSingleItem();
            var read = Decode(deserializer, completed);
            var version = completed.Header(KafkaEnvelope.SchemaVersionHeader)!;
            var registered = await registry.LookupSchemaAsync(RegisterSchemasCommand.SubjectOf(Topics.ReferralCompleted),
                new Schema(EventSchemas.For(Topics.ReferralCompleted, version).Schema.ToString(), SchemaType.Avro), ignoreDeletedSchemas: true);

            completed.Header("content-type").ShouldBe(ConfluentAvroEnvelopeMapper.AvroContentType);
            BinaryPrimitives.ReadInt32BigEndian(completed.Value.AsSpan(1, 4)).ShouldBe(registered.Id);
            version.ShouldBe(EventSchemas.Latest(Topics.ReferralCompleted).Version.ToString());
            read["referral_id"].ShouldBe(referral.ReferralId);
            read["shop_id"].ShouldBe(DevShops.Main);
            read["customer_id"].ShouldBe(referral.Referrer);
            read["status"].ShouldBe("completed");

            await ProduceAvroTierAssignedAsync(registry, gold, referral.Referrer, ct);
            var processed = await app.ProcessedAsync(DevShops.Main, gold, ct);
            processed!.Value.Outcome.ShouldBe("bonus_applied");
            (await app.TierOfAsync(DevShops.Main, referral.Referrer, ct)).ShouldBe("gold");
        }
        finally
        {
            await app.StopResourceAsync(ReferralsApp.AvroServiceInstance, CancellationToken.None);
        }

        // Nothing it wrote was refused by the JSON instances, and their groups have read all of it.
        RawKafka.Read(app.KafkaBootstrap, Topics.DeadLetters,
                raw => raw.ValueText.Contains(referral.ReferralId.ToString(), StringComparison.Ordinal)
                    || raw.ValueText.Contains(gold.ToString(), StringComparison.Ordinal),
                count: 1, TimeSpan.FromSeconds(5), ct)
            .ShouldBeEmpty();
        foreach (var topic in new[] { Topics.VipTierAssigned, Topics.CacheInvalidate })
        {
            var group = MessagingSetup.ConsumerGroup(topic);
            var lag = await Eventually.ReturnsAsync(() => Task.FromResult(ConsumerGroupLag(group, topic)), behind => behind == 0, KafkaWait, ct);
            lag.ShouldBe(0, $"{group} is behind on {topic}");
        }
    }

    private static GenericRecord Decode(AvroDeserializer<GenericRecord> deserializer, RawRecord raw) =>
        deserializer.DeserializeAsync(raw.Value, isNull: false, new SerializationContext(MessageComponentType.Value, raw.Topic))
            .GetAwaiter().GetResult();

    /// <summary>Campaign's side in Avro: Confluent's serializer frames the record under `vip_tier.assigned-value`.</summary>
    private async Task ProduceAvroTierAssignedAsync(CachedSchemaRegistryClient registry, Guid eventId, Guid customer, CancellationToken ct)
    {
        var schema = EventSchemas.Latest(Topics.VipTierAssigned).Schema;
        var record = new GenericRecord(schema);
        record.Add("event_id", eventId);
        record.Add("customer_id", customer);
        record.Add("shop_id", DevShops.Main);
        record.Add("tier_id", "gold");
        record.Add("assigned_at", DateTime.UtcNow);
        using var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap, Acks = Acks.All })
            .SetValueSerializer(new AvroSerializer<GenericRecord>(registry, new AvroSerializerConfig
            {
                SubjectNameStrategy = SubjectNameStrategy.Topic,
                AutoRegisterSchemas = false,
            }))
            .SetLogHandler((_, _) => { }).Build();
        await producer.ProduceAsync(Topics.VipTierAssigned, new Message<string, GenericRecord> { Key = DevShops.Main.ToString(), Value = record }, ct);
    }

    /// <summary>How far the group's committed offsets are behind the topic's end, read without joining the group.</summary>
    private long ConsumerGroupLag(string group, string topic)
    {
        var timeout = TimeSpan.FromSeconds(10);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = app.KafkaBootstrap }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, timeout).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = app.KafkaBootstrap,
            GroupId = group,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        return consumer.Committed(partitions, timeout).Sum(committed =>
        {
            var ends = consumer.QueryWatermarkOffsets(committed.TopicPartition, timeout);
            return ends.High.Value - (committed.Offset.Value >= 0 ? committed.Offset.Value : ends.Low.Value);
        });
    }
}

extern alias service;

using System.Buffers.Binary;
using Avro.Generic;
using Confluent.SchemaRegistry;
using Referrals.Service.Tests.Infrastructure;
using Referrals.Service.Tests.Tiers;
using service::Referrals.Service.Messaging;
using service::Referrals.Service.Messaging.EventContracts;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// A Confluent-Avro event that does not decode (a schema id the registry does not know, a body cut short, a writer's
/// schema that does not resolve to ours) is parked on referrals.dlq as it came, saying why, and the partition goes on.
/// Wolverine itself would log such a record and move past it: lost.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class AvroDecodeFailureTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(30);
    private const int UnknownSchemaId = 2_000_000_001;

    [Fact]
    public async Task Undecodable_avro_tier_events_are_parked_as_they_came_with_the_reason_and_the_next_event_on_the_partition_is_processed()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = app.SchemaRegistryUrl });
        var customer = DevShops.Customer(DevShops.Main, 61001);
        var schema = EventSchemas.Latest(Topics.VipTierAssigned).Schema;
        var registered = await registry.RegisterSchemaAsync(RegisterSchemasSubject, new Schema(schema.ToString(), SchemaType.Avro));
        var (unknownId, truncated, unresolvable) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var foreign = Avro.Schema.Parse("""
            {"type":"record","name":"TierOfAnotherKind","namespace":"tests","fields":[{"name":"event_id","type":"string"},{"name":"tier","type":"int"}]}
            """);
        var foreignId = await registry.RegisterSchemaAsync($"tests-foreign-{Guid.NewGuid():N}-value", new Schema(foreign.ToString(), SchemaType.Avro));
        var foreignRecord = new GenericRecord((Avro.RecordSchema)foreign);
        foreignRecord.Add("event_id", unresolvable.ToString());
        foreignRecord.Add("tier", 3);
        var bad = new Dictionary<Guid, byte[]>
        {
            [unknownId] = Framed(UnknownSchemaId, AvroSamples.Encode(TierAssigned(schema, unknownId, customer), schema)),
            // The event_id (first field) survives the cut, so the dead letter can be found by it.
            [truncated] = Framed(registered, AvroSamples.Encode(TierAssigned(schema, truncated, customer), schema)[..40]),
            [unresolvable] = Framed(foreignId, AvroSamples.Encode(foreignRecord, foreign)),
        };
        var next = Guid.NewGuid();
        using var expected = app.ExpectErrorLogs("Referrals.Service.Features.Tiers.RejectedTierEventException: ");

        await RawKafka.ProduceAsync(app.KafkaBootstrap, Topics.VipTierAssigned,
            [.. bad.Values.Select(value => new RawRecord("", 0, 0, DevShops.Main.ToByteArrayText(), value, []))], ct);
        await app.ProduceAsync(DevShops.Main.ToString(), CampaignEvents.TierAssigned(next, DevShops.Main, customer, "bronze", DateTimeOffset.UtcNow));
        var processedNext = await app.ProcessedAsync(DevShops.Main, next, ct);
        var parked = RawKafka.Read(app.KafkaBootstrap, Topics.DeadLetters,
            record => bad.Keys.Any(marker => record.ValueText.Contains(marker.ToString(), StringComparison.Ordinal)), count: 3, KafkaWait, ct);

        processedNext!.Value.State.ShouldBe("processed");
        parked.Count.ShouldBe(3);
        foreach (var (marker, value) in bad)
        {
            var deadLetter = parked.Single(record => record.ValueText.Contains(marker.ToString(), StringComparison.Ordinal));
            deadLetter.Value.ShouldBe(value); // byte for byte, replayable as Campaign produced it
            deadLetter.Header("dlq_reason").ShouldBe("malformed_payload");
            deadLetter.Header("original_topic").ShouldBe(Topics.VipTierAssigned);
            (await app.ProcessedEventAsync(DevShops.Main, marker.ToString(), ct)).ShouldBeNull();
        }
        DecodeError(parked, unknownId).ShouldContain("the schema registry has no schema of this id");
        DecodeError(parked, truncated).ShouldContain("the Avro body ends before the record does");
        DecodeError(parked, unresolvable).ShouldContain("does not decode as vip_tier.assigned's schema");
    }

    [Fact]
    public async Task An_undecodable_avro_cache_invalidate_is_parked_as_it_came_with_the_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid();
        var schema = EventSchemas.Latest(Topics.CacheInvalidate).Schema;
        var record = AvroSamples.RecordOf(schema);
        record.Add("key", $"referral:{DevShops.Main}:{marker}");
        var value = Framed(UnknownSchemaId, AvroSamples.Encode(record, schema));
        // Wolverine logs what it moves to the listener's dead-letter queue (referrals.dlq) without a handler.
        using var expected = app.ExpectErrorLogs("to kafka://topic/cache.invalidate was moved to the error queue");

        await RawKafka.ProduceAsync(app.KafkaBootstrap, Topics.CacheInvalidate,
            [new RawRecord("", 0, 0, DevShops.Main.ToByteArrayText(), value, [])], ct);
        var parked = RawKafka.Read(app.KafkaBootstrap, Topics.DeadLetters,
            raw => raw.ValueText.Contains(marker.ToString(), StringComparison.Ordinal), count: 1, KafkaWait, ct);

        var deadLetter = parked.ShouldHaveSingleItem();
        deadLetter.Value.ShouldBe(value);
        deadLetter.Header("exception-type").ShouldNotBeNullOrWhiteSpace();
        DecodeError(parked, marker).ShouldContain("the schema registry has no schema of this id");
    }

    private static readonly string RegisterSchemasSubject = $"{Topics.VipTierAssigned}-value";

    private static string DecodeError(IEnumerable<RawRecord> parked, Guid marker) =>
        parked.Single(record => record.ValueText.Contains(marker.ToString(), StringComparison.Ordinal))
            .Header(ConfluentAvroEnvelopeMapper.DecodeErrorHeader).ShouldNotBeNull();

    private static GenericRecord TierAssigned(Avro.RecordSchema schema, Guid eventId, Guid customer)
    {
        var record = new GenericRecord(schema);
        record.Add("event_id", eventId);
        record.Add("customer_id", customer);
        record.Add("shop_id", DevShops.Main);
        record.Add("tier_id", "gold");
        record.Add("assigned_at", DateTime.UtcNow);
        return record;
    }

    /// <summary>Confluent's framing: magic byte 0, the schema id big-endian, the Avro body.</summary>
    private static byte[] Framed(int schemaId, byte[] body)
    {
        var framed = new byte[ConfluentWireFormat.HeaderLength + body.Length];
        framed[0] = ConfluentWireFormat.MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1, 4), schemaId);
        body.CopyTo(framed, ConfluentWireFormat.HeaderLength);
        return framed;
    }
}

internal static class ShopKeys
{
    public static byte[] ToByteArrayText(this Guid shop) => System.Text.Encoding.UTF8.GetBytes(shop.ToString());
}

extern alias service;

using System.Net;
using System.Text;
using System.Text.Json;
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
using Wolverine;
using Wolverine.Configuration;
using Wolverine.Kafka;
using Wolverine.Kafka.Internals;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// Avro end to end against the stack's dev schema registry (resource `schema-registry`), with Confluent's own
/// serializer and deserializer. The suite's service writes JSON (the default) and reads both formats, so Campaign's
/// Avro event goes to the normal stack; the resulting referral.completed is turned into Avro by the service's own
/// production-mode mapping (schemas registered by `register-schemas`, no auto-registration) and read back by
/// Confluent's deserializer. Writing Avro from the stack itself would change what every other test reads.
/// </summary>
[Collection(IntegrationTier.Name)]
public sealed class AvroEndToEndTests(ReferralsApp app)
{
    private static readonly TimeSpan KafkaWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_avro_vip_tier_assigned_applies_its_bonus_and_the_resulting_referral_completed_reads_back_as_avro()
    {
        var ct = TestContext.Current.CancellationToken;
        using var registry = await RegistryAsync(ct);
        var referral = await ConvertedReferralAsync(referrerNumber: 981, buyerNumber: 982, ct);
        var gold = Guid.NewGuid();

        await ProduceAvroTierAssignedAsync(registry, gold, referral.Referrer, "gold", ct);
        var processed = await app.ProcessedAsync(DevShops.Main, gold, ct);
        var announced = RawKafka.Read(app.KafkaBootstrap, Topics.ReferralCompleted,
            raw => IsBonusAnnounced(raw, referral.ReferralId), count: 1, KafkaWait, ct).ShouldHaveSingleItem();
        await RegisterSchemasCommand.RegisterAsync(registry, TextWriter.Null, ct);
        var avro = AsServiceWritesAvroInProduction(registry, announced);
        var read = await new AvroDeserializer<GenericRecord>(registry)
            .DeserializeAsync(avro, isNull: false, new SerializationContext(MessageComponentType.Value, Topics.ReferralCompleted));

        processed!.Value.Outcome.ShouldBe("bonus_applied");
        avro[0].ShouldBe(ConfluentWireFormat.MagicByte);
        read.Schema.ShouldBe(EventSchemas.For(Topics.ReferralCompleted, "1.1.0").Schema);
        read["referral_id"].ShouldBe(referral.ReferralId);
        read["status"].ShouldBe("completed"); // a bonus recorded on the held referral; its hold's end rewards it
        read["tier_id"].ShouldBe("gold");
        read["bonus_multiplier"].ShouldBe(1.5);
        read["bonus_points"].ShouldBe(100L);
    }

    [Fact]
    public async Task An_incompatible_schema_change_is_refused_by_the_registry_and_a_compatible_one_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var registry = await RegistryAsync(ct);
        var subject = RegisterSchemasCommand.SubjectOf(Topics.ReferralCompleted);
        var first = await RegisterSchemasCommand.RegisterAsync(registry, TextWriter.Null, ct);
        var latest = EventSchemas.Latest(Topics.ReferralCompleted).Schema;

        var again = await RegisterSchemasCommand.RegisterAsync(registry, TextWriter.Null, ct);
        var newFieldWithoutDefault = await RefusalAsync(registry, subject, WithFields(latest, fields => fields.Add(
            new JsonObjectField("campaign_id", "\"string\""))));
        var removedField = await RefusalAsync(registry, subject, WithFields(latest, fields => fields.RemoveAll(f => f.Name == "locale")));
        var typeChange = await RefusalAsync(registry, subject, WithFields(latest, fields =>
            fields[fields.FindIndex(f => f.Name == "status")] = new JsonObjectField("status", "\"int\"")));
        var newFieldWithDefault = WithFields(latest, fields => fields.Add(new JsonObjectField("campaign_id", "[\"null\",\"string\"]", "null")));

        again.ShouldBe(first);
        (await registry.GetCompatibilityAsync(subject)).ShouldBe(Compatibility.FullTransitive);
        foreach (var refusal in new[] { newFieldWithoutDefault, removedField, typeChange })
        {
            refusal.ErrorCode.ShouldBe(409);
            refusal.Status.ShouldBe(HttpStatusCode.Conflict);
        }
        (await registry.IsCompatibleAsync(subject, new Schema(newFieldWithDefault, SchemaType.Avro))).ShouldBeTrue();
        (await registry.GetLatestSchemaAsync(subject)).Id.ShouldBe(first.Last(s => s.Subject == subject).Id);
    }

    /// <summary>The stack's registry, once it answers (the service instances do not wait for it).</summary>
    private async Task<CachedSchemaRegistryClient> RegistryAsync(CancellationToken ct)
    {
        var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = app.SchemaRegistryUrl });
        await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                return await registry.GetAllSubjectsAsync();
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, subjects => subjects is not null, TimeSpan.FromSeconds(30), ct);
        return registry;
    }

    /// <summary>Campaign's side in Avro: Confluent's serializer registers `vip_tier.assigned-value` and frames the record.</summary>
    private async Task ProduceAvroTierAssignedAsync(CachedSchemaRegistryClient registry, Guid eventId, Guid customer, string tier, CancellationToken ct)
    {
        var schema = EventSchemas.Latest(Topics.VipTierAssigned).Schema;
        var record = new GenericRecord(schema);
        record.Add("event_id", eventId);
        record.Add("customer_id", customer);
        record.Add("shop_id", DevShops.Main);
        record.Add("tier_id", tier);
        record.Add("assigned_at", DateTime.UtcNow);
        using var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = app.KafkaBootstrap, Acks = Acks.All })
            .SetValueSerializer(new AvroSerializer<GenericRecord>(registry, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic }))
            .SetLogHandler((_, _) => { }).Build();
        await producer.ProduceAsync(Topics.VipTierAssigned, new Message<string, GenericRecord> { Key = DevShops.Main.ToString(), Value = record }, ct);
    }

    /// <summary>The record the service wrote, through the mapping it uses with Kafka:WireFormat=avro outside Development.</summary>
    private static byte[] AsServiceWritesAvroInProduction(CachedSchemaRegistryClient registry, RawRecord written)
    {
        var mapper = new ConfluentAvroEnvelopeMapper(new KafkaTopic(new KafkaTransport(), Topics.ReferralCompleted, EndpointRole.Application),
            registry, new KafkaWire(KafkaWireFormat.Avro, AutoRegisterSchemas: false));
        var envelope = new Envelope(JsonDocument.Parse(written.Value!).RootElement.Clone())
        {
            Data = written.Value,
            PartitionKey = Encoding.UTF8.GetString(written.Key!),
        };
        foreach (var name in new[] { KafkaEnvelope.EventTypeHeader, KafkaEnvelope.SchemaVersionHeader, KafkaEnvelope.CorrelationIdHeader })
            envelope.Headers[name] = written.Header(name);
        var message = new Message<string, byte[]> { Key = envelope.PartitionKey, Value = written.Value!, Headers = [] };
        mapper.MapEnvelopeToOutgoing(envelope, message);
        return message.Value;
    }

    private static bool IsBonusAnnounced(RawRecord raw, Guid referralId)
    {
        try
        {
            using var payload = JsonDocument.Parse(raw.Value ?? []);
            return payload.RootElement.GetProperty("referral_id").GetGuid() == referralId
                && payload.RootElement.GetProperty("status").GetString() == "completed"
                && payload.RootElement.TryGetProperty("tier_id", out var tier) && tier.ValueKind == JsonValueKind.String;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static async Task<SchemaRegistryException> RefusalAsync(CachedSchemaRegistryClient registry, string subject, string schema) =>
        await Should.ThrowAsync<SchemaRegistryException>(() => registry.RegisterSchemaAsync(subject, new Schema(schema, SchemaType.Avro)));

    private sealed record JsonObjectField(string Name, string TypeJson, string? DefaultJson = null);

    /// <summary>The schema with its fields changed: each field written as JSON again (type and default as given).</summary>
    private static string WithFields(Avro.RecordSchema schema, Action<List<JsonObjectField>> change)
    {
        using var original = JsonDocument.Parse(schema.ToString());
        var fields = original.RootElement.GetProperty("fields").EnumerateArray().Select(field => new JsonObjectField(
            field.GetProperty("name").GetString()!, field.GetProperty("type").GetRawText(),
            field.TryGetProperty("default", out var value) ? value.GetRawText() : null)).ToList();
        change(fields);
        var written = fields.Select(field =>
            $"{{\"name\":\"{field.Name}\",\"type\":{field.TypeJson}{(field.DefaultJson is null ? "" : $",\"default\":{field.DefaultJson}")}}}");
        return $"{{\"type\":\"record\",\"name\":\"{schema.Name}\",\"namespace\":\"{schema.Namespace}\",\"fields\":[{string.Join(",", written)}]}}";
    }

    private async Task<ConversionFlow.CreatedLink> ConvertedReferralAsync(long referrerNumber, long buyerNumber, CancellationToken ct)
    {
        var link = await app.CreateReferralAsync(ShopifyWebhooks.Main, referrerNumber, ct);
        using var http = app.CreateHttpClient();
        (await http.PostOrderAsync(ShopifyWebhooks.Main, ShopifyWebhooks.Order(buyerNumber, discountCode: link.LinkId), ct: ct))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.ReturnsAsync(() => app.ReferralAsync(link.ShopId, link.ReferralId, ct), r => r?.Status == "completed", KafkaWait, ct);
        return link;
    }
}

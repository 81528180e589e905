extern alias service;

using System.Text.Json;
using service::Referrals.Service.Messaging.EventContracts;
using service::Referrals.Service.Caching;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Tiers;
using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// The JSON the service publishes for each event has exactly the fields of the schema version the event declares,
/// with values of the schema's types, so a C# record and its committed schema cannot drift apart.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class WireJsonMatchesSchemaTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 4, 5, 678, TimeSpan.Zero);

    public static TheoryData<string> ProducedEvents() =>
        [ReferralCompleted.EventType, ReferralTask.EventType, CacheInvalidate.EventType, AuditLogged.EventType,
            ReferralQualified.EventType, ReferralReversed.EventType, ReferralMilestoneReached.EventType];

    [Theory]
    [MemberData(nameof(ProducedEvents))]
    public void The_wire_json_of_a_produced_event_has_exactly_the_fields_of_its_declared_schema(string eventType)
    {
        var (payload, version) = Sample(eventType);
        var schema = EventSchemas.For(eventType, version).Schema;

        var json = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), WireJson.Options);

        JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name)
            .ShouldBe(schema.Fields.Select(f => f.Name), ignoreOrder: true);
        Should.NotThrow(() => WireJsonAvro.ToAvro(json, schema));
    }

    [Theory]
    [MemberData(nameof(ProducedEvents))]
    public void A_produced_event_survives_the_trip_through_avro_and_back_to_the_same_record(string eventType)
    {
        var (payload, version) = Sample(eventType);
        var schema = EventSchemas.For(eventType, version).Schema;
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), WireJson.Options);

        var back = WireJsonAvro.ToJson(WireJsonAvro.ToAvro(json, schema));

        JsonSerializer.Deserialize(back, payload.GetType(), WireJson.Options).ShouldBe(payload);
    }

    [Fact]
    public void A_json_field_that_the_schema_does_not_have_is_a_contract_mismatch()
    {
        var schema = EventSchemas.For(CacheInvalidate.EventType, CacheInvalidate.SchemaVersion).Schema;
        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            key = "k",
            shop_id = Guid.NewGuid(),
            type = "referral",
            locale = "en",
            created_at = Now,
            unexpected_field = "x"
        });

        Should.Throw<EventContractException>(() => WireJsonAvro.ToAvro(json, schema)).Message.ShouldContain("unexpected_field");
    }

    [Fact]
    public void The_consumed_vip_tier_assigned_payload_fits_its_schema()
    {
        var schema = EventSchemas.Latest(Topics.VipTierAssigned).Schema;
        var json = """
            {"event_id":"0b6c1f7e-3f43-4c1a-9d5e-2f1f6b0e8a11","customer_id":"5f0c6a8e-0000-4000-9000-000100000001",
             "shop_id":"5f0c6a8e-0000-4000-8000-000000000001","tier_id":"gold","assigned_at":"2026-11-25T15:04:05.678Z"}
            """u8.ToArray();

        var record = WireJsonAvro.ToAvro(json, schema);

        record["tier_id"].ShouldBe("gold");
        record["assigned_at"].ShouldBe(Now.UtcDateTime);
    }

    // Timestamps carry whole milliseconds: Avro's timestamp-millis keeps no more.
    private static (object Payload, string SchemaVersion) Sample(string eventType) => eventType switch
    {
        ReferralMilestoneReached.EventType => (new ReferralMilestoneReached(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 5,
            500, ReferralMilestoneReached.CurrentSchemaVersion, Now, "correlation"), ReferralMilestoneReached.CurrentSchemaVersion),
        ReferralQualified.EventType => (new ReferralQualified(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 64002, Now,
            Now, "gold", 1.5, 100, ReferralQualified.CurrentSchemaVersion, Now, "correlation"), ReferralQualified.CurrentSchemaVersion),
        ReferralReversed.EventType => (new ReferralReversed(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 64003,
            ReferralReason.OrderRefunded, "64.50", "USD", null, 1.0, 0, ReferralReversed.CurrentSchemaVersion, Now, "correlation"),
            ReferralReversed.CurrentSchemaVersion),
        ReferralCompleted.EventType => (new ReferralCompleted(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(),
            "completed", "he", "description", ReferralCompleted.CurrentSchemaVersion, Now, "correlation"),
            ReferralCompleted.CurrentSchemaVersion),
        ReferralTask.EventType => (new ReferralTask(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), ReferralTask.ThankYou, "ar", Now,
            "correlation"), ReferralTask.SchemaVersion),
        CacheInvalidate.EventType => (new CacheInvalidate(ReferralStatusCache.Key(Guid.NewGuid(), Guid.NewGuid()), Guid.NewGuid(),
            ReferralStatusCache.Type, "en", Now), CacheInvalidate.SchemaVersion),
        AuditLogged.EventType => (new AuditLogged(Guid.NewGuid(), Guid.NewGuid(), "referral", Guid.NewGuid(), AuditLogged.StatusChanged,
            "pending", "completed", "order 1001", 90, Now, "correlation", AuditLogged.CurrentSchemaVersion), AuditLogged.CurrentSchemaVersion),
        _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "add a sample for the new event"),
    };
}

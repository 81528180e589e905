extern alias service;

using service::Referrals.Service.Messaging.EventContracts;
using service::Referrals.Service.Caching;
using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Features.Tiers;
using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// Contracts only evolve compatibly both ways (Avro FULL_TRANSITIVE): data written with any committed version of an
/// event's schema is read with every other version, older readers ignoring new fields and newer readers filling
/// the fields old writers lacked from their defaults. A change that breaks this is a new event on a new topic.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class EventSchemaCompatibilityTests
{
    public static TheoryData<string, string, string> VersionPairs()
    {
        var pairs = new TheoryData<string, string, string>();
        foreach (var contract in EventSchemas.ContractNames.Order(StringComparer.Ordinal))
        {
            var history = EventSchemas.History(contract);
            foreach (var writer in history)
                foreach (var reader in history.Where(reader => reader != writer))
                    pairs.Add(contract, writer.Version.ToString(3), reader.Version.ToString(3));
        }
        return pairs;
    }

    [Theory]
    [MemberData(nameof(VersionPairs))]
    public void Data_written_with_one_schema_version_is_read_with_another_by_Avro_resolution(
        string contract, string writerVersion, string readerVersion)
    {
        var writer = EventSchemas.For(contract, writerVersion).Schema;
        var reader = EventSchemas.For(contract, readerVersion).Schema;
        var written = AvroSamples.RecordOf(writer);

        var read = AvroSamples.Decode(AvroSamples.Encode(written, writer), writer, reader);

        foreach (var field in reader.Fields)
        {
            var expected = writer.TryGetField(field.Name, out _)
                ? written[field.Name]
                : AvroDefault(field);
            read[field.Name].ShouldBe(expected, $"{contract} {writerVersion} → {readerVersion}: {field.Name}");
        }
    }

    [Fact]
    public void Referral_completed_1_1_0_adds_the_tier_bonus_fields_with_defaults_that_mean_no_bonus()
    {
        var v1 = EventSchemas.For("referral.completed", "1.0.0").Schema;
        var v11 = EventSchemas.For("referral.completed", "1.1.0").Schema;
        var old = AvroSamples.RecordOf(v1);

        var read = AvroSamples.Decode(AvroSamples.Encode(old, v1), v1, v11);

        v11.Fields.Select(f => f.Name).Except(v1.Fields.Select(f => f.Name))
            .ShouldBe(["tier_id", "bonus_multiplier", "bonus_points"]);
        read["tier_id"].ShouldBeNull();
        read["bonus_multiplier"].ShouldBe(1.0);
        read["bonus_points"].ShouldBe(0L);
        read["referral_id"].ShouldBe(old["referral_id"]);
    }

    [Fact]
    public void Every_topic_the_service_produces_or_consumes_has_a_committed_schema()
    {
        string[] topics = [Topics.ReferralCompleted, Topics.ReferralTask, Topics.CacheInvalidate, Topics.VipTierAssigned,
            Topics.ReferralQualified, Topics.ReferralReversed, Topics.ReferralMilestoneReached];

        topics.Where(topic => !EventSchemas.Exists(topic)).ShouldBeEmpty();
    }

    private static object? AvroDefault(Avro.Field field)
    {
        var json = field.DefaultValue?.ToString(Newtonsoft.Json.Formatting.None)
            ?? throw new ShouldAssertException($"{field.Name} is missing from the writer's schema and has no default");
        var record = WireJsonAvro.ToAvro(
            System.Text.Encoding.UTF8.GetBytes($"{{\"{field.Name}\":{json}}}"), OneFieldSchema(field));
        return record[field.Name];
    }

    private static Avro.RecordSchema OneFieldSchema(Avro.Field field) =>
        (Avro.RecordSchema)Avro.Schema.Parse(
            $$"""{"type":"record","name":"Probe","fields":[{"name":"{{field.Name}}","type":{{field.Schema}}}]}""");
}

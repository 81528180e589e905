extern alias service;

using service::Referrals.Service.Features.Referrals;
using service::Referrals.Service.Messaging;
using service::Referrals.Service.Messaging.EventContracts;

namespace Referrals.Service.Tests.Contracts;

/// <summary>
/// `referral.milestone_reached` 1.0.0: the fields Points pays on (ids, the milestone, its points, when), no PII, and
/// every field a later version may add needs a default (the compatibility tests read each version with every other).
/// </summary>
[Trait("Tier", "Unit")]
public sealed class MilestoneReachedContractTests
{
    [Fact]
    public void The_milestone_event_has_its_own_topic_and_a_schema_of_ids_counts_and_times_only()
    {
        var schema = EventSchemas.For(ReferralMilestoneReached.EventType, ReferralMilestoneReached.CurrentSchemaVersion).Schema;

        Topics.All.ShouldContain(ReferralMilestoneReached.EventType);
        Topics.ReferralMilestoneReached.ShouldBe(ReferralMilestoneReached.EventType);
        schema.Fields.Select(f => f.Name).ShouldBe(["event_id", "shop_id", "customer_id", "referral_id", "milestone", "points",
            "schema_version", "occurred_at", "correlation_id"]);
        schema.Fields.Where(f => f.Name.EndsWith("_id", StringComparison.Ordinal) && f.Name != "correlation_id")
            .ShouldAllBe(f => f.Schema.ToString().Contains("uuid"));
    }

    [Fact]
    public void A_reader_of_the_schema_reads_what_a_writer_of_it_wrote()
    {
        var schema = EventSchemas.Latest(ReferralMilestoneReached.EventType).Schema;
        var written = AvroSamples.RecordOf(schema);

        var read = AvroSamples.Decode(AvroSamples.Encode(written, schema), schema, schema);

        foreach (var field in schema.Fields)
            read[field.Name].ShouldBe(written[field.Name], field.Name);
    }
}

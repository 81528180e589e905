extern alias service;

using Confluent.Kafka;
using service::Referrals.Service.Messaging;

namespace Referrals.Service.Tests.Reliability;

/// <summary>
/// A stored offset whose commit a rebalance refused is committed when its partition is assigned again, and the consumer
/// starts there; a position the group already passed (another instance had the partition) is left alone. Without it
/// the group stayed one record behind on a quiet topic (cache.invalidate, lag 1 for a whole chaos run's quiet wait).
/// </summary>
[Trait("Tier", "Unit")]
public sealed class UnlandedOffsetsTests
{
    private static readonly TopicPartition Invalidations = new("cache.invalidate", 3);
    private static readonly TopicPartition Tiers = new("vip_tier.assigned", 3);
    private static readonly Error RebalanceInProgress = new(ErrorCode.RebalanceInProgress);

    [Fact]
    public void A_position_a_rebalance_kept_from_landing_is_committed_and_read_from_when_the_partition_comes_back()
    {
        var offsets = new UnlandedOffsets();
        offsets.Observe(Committed(new TopicPartitionOffsetError(Invalidations, new Offset(42), RebalanceInProgress)));
        var commits = new List<List<TopicPartitionOffset>>();

        var starts = offsets.ResumeAt([Invalidations, Tiers], asked => [.. asked.Select(p => new TopicPartitionOffset(p, new Offset(41)))], commits.Add);

        commits.ShouldHaveSingleItem().ShouldBe([new TopicPartitionOffset(Invalidations, new Offset(42))]);
        starts.ShouldBe([new TopicPartitionOffset(Invalidations, new Offset(42)), new TopicPartitionOffset(Tiers, Offset.Unset)], ignoreOrder: true);

        // Once landed it is forgotten: the next assignment starts from the committed offset as always.
        offsets.ResumeAt([Invalidations], _ => throw new InvalidOperationException("nothing to look up"), _ => throw new InvalidOperationException())
            .ShouldBe([new TopicPartitionOffset(Invalidations, Offset.Unset)]);
    }

    [Fact]
    public void A_position_the_group_already_passed_is_not_committed_again()
    {
        var offsets = new UnlandedOffsets();
        offsets.Observe(Committed(new TopicPartitionOffsetError(Invalidations, new Offset(42), RebalanceInProgress)));

        var starts = offsets.ResumeAt([Invalidations], asked => [new TopicPartitionOffset(Invalidations, new Offset(50))],
            _ => throw new InvalidOperationException("must not move the group back"));

        starts.ShouldBe([new TopicPartitionOffset(Invalidations, Offset.Unset)]);
    }

    [Fact]
    public void A_later_commit_that_landed_forgets_the_failed_one()
    {
        var offsets = new UnlandedOffsets();
        offsets.Observe(Committed(new TopicPartitionOffsetError(Invalidations, new Offset(42), RebalanceInProgress)));
        offsets.Observe(Committed(new TopicPartitionOffsetError(Invalidations, new Offset(43), new Error(ErrorCode.NoError))));

        offsets.ResumeAt([Invalidations], _ => throw new InvalidOperationException("nothing to look up"), _ => throw new InvalidOperationException())
            .ShouldBe([new TopicPartitionOffset(Invalidations, Offset.Unset)]);
    }

    [Fact]
    public void When_the_broker_does_not_answer_the_partition_starts_from_the_committed_offset_and_the_position_is_kept()
    {
        var offsets = new UnlandedOffsets();
        offsets.Observe(Committed(new TopicPartitionOffsetError(Invalidations, new Offset(42), RebalanceInProgress)));

        offsets.ResumeAt([Invalidations], _ => throw new KafkaException(ErrorCode.Local_TimedOut), _ => { })
            .ShouldBe([new TopicPartitionOffset(Invalidations, Offset.Unset)]);
        var commits = new List<List<TopicPartitionOffset>>();
        offsets.ResumeAt([Invalidations], asked => [new TopicPartitionOffset(Invalidations, new Offset(41))], commits.Add)
            .ShouldBe([new TopicPartitionOffset(Invalidations, new Offset(42))]);
        commits.ShouldHaveSingleItem().ShouldBe([new TopicPartitionOffset(Invalidations, new Offset(42))]);
    }

    private static CommittedOffsets Committed(TopicPartitionOffsetError offset) =>
        new([offset], offset.Error.IsError ? offset.Error : new Error(ErrorCode.NoError));
}

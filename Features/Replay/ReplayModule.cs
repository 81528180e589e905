using Marten;
using Referrals.Service.Storage;
using Wolverine;
using Wolverine.Kafka;
using Referrals.Service.Messaging;

namespace Referrals.Service.Features.Replay;

/// <summary>
/// Replay: referrals.replay is consumed through the same handlers as live traffic (Wolverine reads the message
/// type from the record's headers), paced by <see cref="ReplayPace"/>, every idempotency guard in place; what
/// cannot even be read goes to referrals.dlq at once (native dead-letter queue) without holding up its partition;
/// the <see cref="PublishedEvent"/> ledger keeps what the service published, for `replay`.
/// </summary>
public static class ReplayModule
{
    public static WebApplicationBuilder AddReplay(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(Schema);
        builder.Services.AddDatabaseObjects("published-events pruning", PrunePublishedEventsDaily.Function);
        builder.Services.AddSingleton<ReplayPace>();
        builder.Services.AddSingularAgent<PrunePublishedEventsDaily>();

        builder.Services.ConfigureWolverine(options =>
        {
            // Replays are idempotent and paced by ReplayPace, not by the partition: handled 16 at a time
            // (Replay:Parallelism), a replay can reach Replay:RatePerSecond well above one handler's speed. One
            // instance of the cluster listens (Wolverine's exclusive listener, moved to a survivor when that instance
            // dies), so the pace is the cluster's, not each instance's.
            options.ListenToKafkaTopic(Topics.Replay).EnableNativeDeadLetterQueue()
                .ExclusiveNodeWithParallelism(builder.Configuration.GetValue("Replay:Parallelism", 16))
                .ExtendConsumerConfiguration(consumer => consumer.GroupId = MessagingSetup.ConsumerGroup(Topics.Replay));
            options.Policies.AddMiddleware(typeof(PaceReplays));
            options.Policies.AddMiddleware(typeof(RecordPublishedEvents));
        });
        return builder;
    }

    /// <summary>The slice's documents, for the service's store and the operator commands' store alike.</summary>
    public static void Schema(StoreOptions options)
    {
        options.Schema.For<PublishedEvent>().DocumentAlias("published_events")
            .MultiTenanted() // tenant id = shop_id
            .Duplicate(e => e.ShopId)
            .Duplicate(e => e.PublishedAt);
        options.Schema.For<ReplayRun>().DocumentAlias("replay_runs");
    }
}

using Marten;
using Referrals.Service.Storage;
using Wolverine;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// Failure handling: handlers fail through <see cref="ErrorPolicies"/> and park through <see cref="ParkDeadLetter"/>
/// (first failures noted in <see cref="SharedFirstFailures"/>); the <see cref="DeadLetter"/> ledger follows referrals.dlq
/// (<see cref="RecordDeadLetters"/>), feeds referrals_dlq_size_total (<see cref="DeadLetterCount"/>) and learns in
/// the handler's own transaction when a dead letter was processed after all (<see cref="MarkDeadLetterReprocessed"/>);
/// `reprocess-dlq` (<see cref="ReprocessDlqCommand"/>) sends dead letters back through referrals.replay.
/// </summary>
public static class DeadLettersModule
{
    public static WebApplicationBuilder AddDeadLetters(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureMarten(Schema);
        builder.Services.AddDatabaseObjects("dead-letter count", DeadLetterCount.Function);
        builder.Services.AddDatabaseObjects("message first failures", SharedFirstFailures.Ddl);
        builder.Services.AddSingleton<FirstFailures>();
        builder.Services.AddSingleton<SharedFirstFailures>();
        builder.Services.AddSingleton<DirectDeadLetters>();
        builder.Services.AddHostedService<RecordDeadLetters>();
        builder.Services.AddHostedService<DeadLetterCount>();
        builder.AddServiceMeter(DeadLetterCount.MeterName);
        builder.Services.ConfigureWolverine(options => options.Policies.AddMiddleware(typeof(MarkDeadLetterReprocessed)));
        return builder;
    }

    /// <summary>The slice's documents, for the service's store and the operator commands' store alike.</summary>
    public static void Schema(StoreOptions options) =>
        options.Schema.For<DeadLetter>().DocumentAlias("dead_letters")
            .MultiTenanted() // tenant id = shop_id (DeadLetter.TenantOf)
            .Duplicate(d => d.ReprocessedAt!);
}

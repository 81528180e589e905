using JasperFx;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// `dead_letters`: the ledger of what landed on referrals.dlq, one row per dead letter (a dead letter parked
/// again after a failed reprocessing is the same row, by <c>dlq_id</c>). Three writers, each owning its fields:
/// <see cref="RecordDeadLetters"/> (what the topic holds: the latest record and its failure), reprocess-dlq
/// (<see cref="SentOffset"/>: which record it already sent back) and <see cref="MarkDeadLetterReprocessed"/>
/// (<see cref="ReprocessedAt"/>). Tenanted by its shop (<see cref="TenantOf"/>), like every shop's data; the
/// cluster-wide count goes through <see cref="DeadLetterCount.Function"/> and reprocess-dlq connects as the owner.
/// No payload, no PII.
/// </summary>
public sealed record DeadLetter(
    string Id,
    Guid? ShopId,
    string EventType,
    string ErrorType,
    string ErrorMessage,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    int Reprocessings,
    int Partition,
    long Offset)
{
    /// <summary>A dead letter that failed this many reprocessings stays parked and is reported.</summary>
    public const int MaxReprocessings = 3;

    /// <summary>Offset of the referrals.dlq record reprocess-dlq last sent to referrals.replay.</summary>
    public long? SentOffset { get; init; }

    /// <summary>When a handler processed it successfully; from then on it no longer counts as a dead letter.</summary>
    public DateTimeOffset? ReprocessedAt { get; init; }

    /// <summary>The row's tenant: its shop, or Marten's default tenant for a dead letter that names none (unreadable).</summary>
    public static string TenantOf(Guid? shopId) => shopId?.ToString() ?? StorageConstants.DefaultTenantId;

    public bool GaveUp => ReprocessedAt is null && Reprocessings >= MaxReprocessings;
}

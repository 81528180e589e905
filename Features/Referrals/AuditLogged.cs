using Referrals.Service.Messaging;
using Wolverine;
using Referrals.Service.Correlation;

namespace Referrals.Service.Features.Referrals;

/// <summary>
/// `audit_log` (wire contract, consumed by AdminCore): every status change of a referral and every purge of a shop's
/// audit data, with the shop's retention class. The local audit trail (<see cref="ReferralAuditTrail"/>) stays this
/// service's own record; this is the platform's. Ids only, no PII. Key shop_id.
/// </summary>
public sealed record AuditLogged(
    Guid EventId,
    Guid ShopId,
    string Entity,
    Guid EntityId,
    string Action,
    string? FromStatus,
    string? ToStatus,
    string? Reason,
    int RetentionDays,
    DateTimeOffset OccurredAt,
    string CorrelationId,
    string SchemaVersion)
{
    public const string EventType = "audit_log";
    public const string CurrentSchemaVersion = "1.0.0";
    public const string StatusChanged = "status_changed";
    public const string AuditPurged = "audit_purged";

    /// <summary>A referral moved from <paramref name="from"/> (null: it was created) to its current status.</summary>
    public static DeliveryMessage<AuditLogged> OfStatusChange(ReferralChangeContext context, ReferralStatus? from, Referral changed) =>
        Publish(context, new AuditLogged(Guid.CreateVersion7(context.Now), context.ShopId, "referral", changed.Id, StatusChanged,
            from?.Wire(), changed.Status.Wire(), changed.StatusReason, context.AuditRetentionDays, context.Now, context.CorrelationId,
            CurrentSchemaVersion));

    /// <summary>The shop's audit data was purged (PurgeAuditLogs): the purge itself stays on the record.</summary>
    public static DeliveryMessage<AuditLogged> OfPurge(ReferralChangeContext context, Guid purgeId) =>
        Publish(context, new AuditLogged(Guid.CreateVersion7(context.Now), context.ShopId, "audit_log", purgeId, AuditPurged,
            null, null, null, context.AuditRetentionDays, context.Now, context.CorrelationId, CurrentSchemaVersion));

    private static DeliveryMessage<AuditLogged> Publish(ReferralChangeContext context, AuditLogged logged) =>
        KafkaEnvelope.Publish(logged, context.ShopId, EventType, CurrentSchemaVersion, context.CorrelationId);
}

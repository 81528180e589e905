namespace Referrals.Service.Features.Purge;

/// <summary>
/// The latest audit purge of a shop (id = shop_id; not tenanted, it outlives what it erases). Recorded in the
/// transaction that queues the work, so a purge survives a restart; one runs at a time per shop.
/// </summary>
public sealed record AuditPurge(Guid Id, Guid PurgeId, PurgeState State, DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt)
{
    public string Status => State == PurgeState.Running ? "running" : "completed";
}

public enum PurgeState { Running, Completed }

using Wolverine;

namespace Referrals.Service.Messaging;

/// <summary>
/// How fast the cluster notices a dead instance (Wolverine <see cref="DurabilityMode.Balanced"/>, the default): every
/// node writes a heartbeat every <c>Wolverine:HeartbeatSeconds</c> (2 s); a node whose heartbeat is older than
/// <c>Wolverine:StaleNodeSeconds</c> (10 s) on <see cref="DurabilitySettings.StaleNodeEjectionThreshold"/> (2)
/// consecutive checks is ejected: its durable inbox and outbox rows are released to the survivors and its agents (the
/// scheduled cleanups, the replay listener) are assigned to another node, within about 15 s instead of Wolverine's
/// defaults (10 s heartbeats, 60 s stale), which make it minutes. Not shorter: a node that misses heartbeats while
/// Postgres is away or the machine is busy would be ejected while alive (harmless, its work is released to everyone
/// and every handler is idempotent, but churn).
/// <para>
/// A live node can also lose track of rows it still owns: after Postgres was killed or paused, the chaos run found
/// inbox rows of surviving nodes that no one handled (issue 15). Wolverine keeps the clock of the envelopes a node really
/// holds fresh on every heartbeat, so <see cref="DurabilitySettings.InboxStaleTime"/> and
/// <see cref="DurabilitySettings.OutboxStaleTime"/> (<c>Wolverine:StaleEnvelopeSeconds</c>, 60 s) release only rows that
/// nothing holds any more; any node then recovers them. A released outbox row is sent again under its own event id,
/// which consumers dedupe.
/// </para>
/// </summary>
public static class ClusterDurability
{
    /// <summary>The Kafka consumer groups' side of the same: a killed member's partitions move after 10 s.</summary>
    public const int KafkaSessionTimeoutMs = 10_000;
    public const int KafkaHeartbeatIntervalMs = 3_000;

    public static void Apply(DurabilitySettings durability, IConfiguration configuration)
    {
        var heartbeat = TimeSpan.FromSeconds(configuration.GetValue("Wolverine:HeartbeatSeconds", 2.0));
        var stale = TimeSpan.FromSeconds(configuration.GetValue("Wolverine:StaleNodeSeconds", 10.0));
        if (stale <= heartbeat * 2)
            throw new InvalidOperationException("Wolverine:StaleNodeSeconds must exceed two heartbeats (Wolverine:HeartbeatSeconds).");
        durability.Mode = DurabilityMode.Balanced;
        durability.HealthCheckPollingTime = heartbeat;
        durability.FirstHealthCheckExecution = TimeSpan.FromSeconds(1);
        durability.StaleNodeTimeout = stale;
        durability.NodeReassignmentPollingTime = heartbeat;
        durability.OrphanedMessageSweepPollingTime = heartbeat;
        durability.CheckAssignmentPeriod = TimeSpan.FromSeconds(10);
        var staleEnvelope = TimeSpan.FromSeconds(configuration.GetValue("Wolverine:StaleEnvelopeSeconds", 60.0));
        durability.InboxStaleTime = staleEnvelope;
        durability.OutboxStaleTime = staleEnvelope;
    }
}

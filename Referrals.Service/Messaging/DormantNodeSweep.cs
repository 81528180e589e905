using Npgsql;
using Referrals.Service.Storage;
using Wolverine.Runtime;

namespace Referrals.Service.Messaging;

/// <summary>
/// The backstop for a dead instance's durable inbox and outbox, on every instance: Wolverine ejects a node that stopped
/// heartbeating (<see cref="ClusterDurability"/>, ~15 s) and releases its rows, but only its leader may eject a node
/// that led (in the chaos runs so far Wolverine always did it first; this never had to act). Every
/// <c>Wolverine:StaleNodeSeconds</c>, an instance whose own heartbeat is fresh (so Postgres and this process were not
/// the ones away) deletes the row of a node silent for three times that on two sweeps in a row, as Wolverine's own
/// ejection does, and gives every unhandled inbox and outbox row whose owner has no node row to any node (owner 0), for
/// the durability agent to recover. A node that comes back re-registers; its released rows are handled by whoever takes
/// them, which every handler survives (processed_events, stable event ids). Each act is one Warning.
/// </summary>
public sealed class DormantNodeSweep(NpgsqlDataSource database, IWolverineRuntime runtime, IConfiguration configuration,
    ILogger<DormantNodeSweep> logger) : BackgroundService
{
    private const string Schema = DocumentStorage.Schema;

    private readonly TimeSpan _every = TimeSpan.FromSeconds(configuration.GetValue("Wolverine:StaleNodeSeconds", 10.0));
    private readonly TimeSpan _freshHeartbeat = TimeSpan.FromSeconds(configuration.GetValue("Wolverine:HeartbeatSeconds", 2.0) * 3);
    private readonly HashSet<Guid> _dormantLastSweep = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "Dormant node sweep skipped");
            }
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var nodes = await NodesAsync(ct);
        var eject = DormantNodes.ToEject(nodes, runtime.Options.UniqueNodeId, _freshHeartbeat, _every * 3, _dormantLastSweep);
        foreach (var node in eject)
        {
            await using var delete = database.CreateCommand(
                $"delete from {Schema}.wolverine_nodes where id = @id and now() - health_check > @after");
            delete.Parameters.AddWithValue("id", node.Id);
            delete.Parameters.AddWithValue("after", _every * 3);
            if (await delete.ExecuteNonQueryAsync(ct) > 0)
                logger.LogWarning("Node {NodeNumber} had written no heartbeat for {Silent} and was still registered: ejected it",
                    node.Number, node.Silent);
        }

        await using var release = database.CreateCommand(
            $"with live as (select node_number from {Schema}.wolverine_nodes), " +
            $"inbox as (update {Schema}.wolverine_incoming_envelopes set owner_id = 0 where owner_id <> 0 and status <> 'Handled' " +
            "and owner_id not in (select node_number from live) returning owner_id), " +
            $"outbox as (update {Schema}.wolverine_outgoing_envelopes set owner_id = 0 where owner_id <> 0 " +
            "and owner_id not in (select node_number from live) returning owner_id) " +
            "select (select count(*) from inbox), (select count(*) from outbox), " +
            "(select string_agg(distinct owner_id::text, ', ') from (select owner_id from inbox union all select owner_id from outbox) o)");
        await using var reader = await release.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct) && reader.GetInt64(0) + reader.GetInt64(1) > 0)
            logger.LogWarning("Released {Inbox} inbox and {Outbox} outbox rows of departed node(s) {Owners} to the survivors",
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2));
    }

    private async Task<IReadOnlyList<DormantNodes.Node>> NodesAsync(CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"select id, node_number, greatest(now() - health_check, interval '0') from {Schema}.wolverine_nodes");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var nodes = new List<DormantNodes.Node>();
        while (await reader.ReadAsync(ct))
            nodes.Add(new DormantNodes.Node(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<TimeSpan>(2)));
        return nodes;
    }
}

/// <summary>Which registered nodes <see cref="DormantNodeSweep"/> ejects: a pure decision.</summary>
public static class DormantNodes
{
    public sealed record Node(Guid Id, int Number, TimeSpan Silent);

    /// <param name="dormantLastSweep">The nodes found dormant by the previous sweep; replaced by this sweep's.</param>
    /// <returns>Nodes other than <paramref name="self"/> silent longer than <paramref name="after"/> now and at the last
    /// sweep; none when this instance's own heartbeat is older than <paramref name="freshHeartbeat"/> (or missing).</returns>
    public static IReadOnlyList<Node> ToEject(IReadOnlyList<Node> nodes, Guid self, TimeSpan freshHeartbeat, TimeSpan after,
        HashSet<Guid> dormantLastSweep)
    {
        if (nodes.FirstOrDefault(n => n.Id == self) is not { } own || own.Silent > freshHeartbeat)
        {
            dormantLastSweep.Clear();
            return [];
        }
        var dormant = nodes.Where(n => n.Id != self && n.Silent > after).ToList();
        var eject = dormant.Where(n => dormantLastSweep.Contains(n.Id)).ToList();
        dormantLastSweep.Clear();
        dormantLastSweep.UnionWith(dormant.Select(n => n.Id));
        return eject;
    }
}

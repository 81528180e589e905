using Npgsql;

namespace Referrals.Chaos;

/// <summary>
/// The Wolverine message store's rows: the inbox still to handle (incoming or scheduled, except the holds' future
/// qualifications, see <see cref="StoredState.ScheduledQualificationsAsync"/>), the outbox, dead letters.
/// </summary>
public sealed record MessageStoreRows(HashSet<Guid> Inbox, HashSet<Guid> Outbox, HashSet<Guid> DeadLetters)
{
    /// <summary>The rows that are here and were not at <paramref name="start"/>.</summary>
    public MessageStoreRows Since(MessageStoreRows start) =>
        new([.. Inbox.Except(start.Inbox)], [.. Outbox.Except(start.Outbox)], [.. DeadLetters.Except(start.DeadLetters)]);

    public int Count => Inbox.Count + Outbox.Count + DeadLetters.Count;
}

/// <summary>What the service stored, read from PostgreSQL as the owner (row-level security does not apply).</summary>
public sealed class StoredState(string ownerConnectionString)
{
    private const string Schema = "referrals";

    // A conversion's hold ends with a durable QualifyReferral scheduled for hold_until (14 days by default): it is
    // expected to wait in the inbox, so it is counted apart from what the run left behind.
    private const string FutureQualification =
        "status = 'Scheduled' and message_type = 'Referrals.Service.Features.Referrals.QualifyReferral' and execution_time > now()";

    public async Task<MessageStoreRows> MessageStoreAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return new MessageStoreRows(
            await IdsAsync(connection, $"select id from {Schema}.wolverine_incoming_envelopes where status <> 'Handled' and not ({FutureQualification})", ct),
            await IdsAsync(connection, $"select id from {Schema}.wolverine_outgoing_envelopes", ct),
            await IdsAsync(connection, $"select id from {Schema}.wolverine_dead_letters", ct));
    }

    /// <summary>The future qualifications waiting in the inbox, counted per referral (the referral_id of their JSON body).</summary>
    public async Task<Dictionary<Guid, int>> ScheduledQualificationsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select substring(encode(body, 'escape') from '\"referral_id\":\"([0-9a-f-]{{36}})\"'), count(*) " +
            $"from {Schema}.wolverine_incoming_envelopes where {FutureQualification} group by 1", connection);
        var scheduled = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(0))
                scheduled[Guid.Parse(reader.GetString(0))] = (int)reader.GetInt64(1);
        }
        return scheduled;
    }

    /// <summary>The given rows grouped by what they are (table, status, owner node, message type, destination), for a report.</summary>
    public async Task<IReadOnlyList<string>> DescribeAsync(MessageStoreRows rows, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var described = new List<string>();
        foreach (var (table, ids, columns) in new[]
        {
            ("wolverine_incoming_envelopes", rows.Inbox, "status || ' owner ' || owner_id || ' ' || message_type || ' at ' || received_at"),
            ("wolverine_outgoing_envelopes", rows.Outbox, "'owner ' || owner_id || ' ' || message_type || ' to ' || destination"),
            ("wolverine_dead_letters", rows.DeadLetters, "message_type || ' ' || exception_type"),
        })
        {
            if (ids.Count == 0)
                continue;
            await using var command = new NpgsqlCommand(
                $"select {columns}, count(*) from {Schema}.{table} where id = any(@ids) group by 1 order by 2 desc", connection);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                described.Add($"{table}: {reader.GetString(0)} ×{reader.GetInt64(1)}");
        }
        return described;
    }

    /// <summary>
    /// The inbox rows of any status (handled ones are kept a while) whose body names <paramref name="needle"/> (an event
    /// id), e.g. "VipTierAssigned Handled owner 0 attempts 1": where a lost event stopped.
    /// </summary>
    public async Task<string> InboxTraceAsync(string needle, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select message_type || ' ' || status || ' owner ' || owner_id || ' attempts ' || attempts || ' at ' || received_at " +
            $"from {Schema}.wolverine_incoming_envelopes where position(convert_to(@needle, 'UTF8') in body) > 0 order by received_at", connection);
        command.Parameters.AddWithValue("needle", needle);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(reader.GetString(0));
        return rows.Count == 0 ? "no inbox row" : string.Join("; ", rows);
    }

    /// <summary>
    /// Wolverine's cluster as Postgres has it: each node's number and seconds since its last heartbeat, the leader and
    /// the agents per node ("nodes 3 (1 s, leader, 4 agents), 4 (0 s, 2 agents)"), so a red run shows who was there.
    /// </summary>
    public async Task<string> ClusterAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select n.node_number, extract(epoch from now() - n.health_check)::int, " +
            $"coalesce(bool_or(a.id like 'wolverine://leader%'), false), count(a.id) from {Schema}.wolverine_nodes n " +
            $"left join {Schema}.wolverine_node_assignments a on a.node_id = n.id group by 1, 2 order by 1", connection);
        var nodes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            nodes.Add($"{reader.GetInt32(0)} ({reader.GetInt32(1)} s{(reader.GetBoolean(2) ? ", leader" : "")}, {reader.GetInt64(3)} agents)");
        return nodes.Count == 0 ? "no nodes" : "nodes " + string.Join(", ", nodes);
    }

    /// <summary>The status of each referral (absent: not found).</summary>
    public async Task<Dictionary<Guid, string>> ReferralStatusesAsync(Guid shop, IReadOnlyCollection<Guid> referrals, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select id, data->>'status' from {Schema}.mt_doc_referral where tenant_id = @shop and id = any(@ids)", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("ids", referrals.ToArray());
        var statuses = new Dictionary<Guid, string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            statuses[reader.GetGuid(0)] = reader.GetString(1);
        return statuses;
    }

    /// <summary>The processed_events rows of the given event ids (webhook ids, tier event ids): state and outcome.</summary>
    public async Task<Dictionary<string, (string State, string? Outcome)>> ProcessedEventsAsync(Guid shop, IReadOnlyCollection<string> ids,
        CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select id, data->>'state', data->>'outcome' from {Schema}.mt_doc_processed_events where tenant_id = @shop and id = any(@ids)", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var rows = new Dictionary<string, (string, string?)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return rows;
    }

    /// <summary>The (partition, offset) of every referrals.dlq record the dead-letter ledger holds.</summary>
    public async Task<HashSet<(int Partition, long Offset)>> LedgerAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select (data->>'partition')::int, (data->>'offset')::bigint from {Schema}.mt_doc_dead_letters", connection);
        var ledger = new HashSet<(int, long)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            ledger.Add((reader.GetInt32(0), reader.GetInt64(1)));
        return ledger;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<HashSet<Guid>> IdsAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var ids = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}

using Npgsql;
using Referrals.Service.Tests.Infrastructure;
using StackExchange.Redis;

namespace Referrals.Service.Tests.Purge;

/// <summary>What the service holds of a shop, read as the service's database role (the AppHost's) and by Redis SCAN.</summary>
public static class ShopData
{
    public sealed record AuditEntry(Guid ReferralId, string? From, string To, string? Reason, string? CorrelationId);

    public static async Task<IReadOnlyList<AuditEntry>> AuditTrailAsync(this ReferralsApp app, Guid referralId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select referral_id, from_status, to_status, reason, correlation_id from referrals.referral_audit where referral_id = @id order by id", connection);
        command.Parameters.AddWithValue("id", referralId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(ct))
            entries.Add(new AuditEntry(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return entries;
    }

    public static Task<long> AuditEntriesAsync(this ReferralsApp app, Guid shop, CancellationToken ct) =>
        app.CountAsync("select count(*) from referrals.referral_audit where tenant_id = @shop", shop, ct);

    public static Task<long> ProcessedEventsAsync(this ReferralsApp app, Guid shop, CancellationToken ct) =>
        app.CountAsync("select count(*) from referrals.mt_doc_processed_events where tenant_id = @shop", shop, ct);

    /// <summary>The shop's events in the published-events ledger (what `replay` can re-emit), or only those naming <paramref name="customer"/>.</summary>
    public static async Task<long> PublishedEventsAsync(this ReferralsApp app, Guid shop, CancellationToken ct, Guid? customer = null)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*) from referrals.mt_doc_published_events where data->>'shop_id' = @shop and data->>'payload' like @naming", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("naming", customer is { } id ? $"%{id}%" : "%");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static async Task<string?> PurgeStateAsync(this ReferralsApp app, Guid shop, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("select data->>'state' from referrals.mt_doc_auditpurge where id = @shop", connection);
        command.Parameters.AddWithValue("shop", shop);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// This service's Redis keys of the shop (status cache, idempotency, rate limit). Keys of other holders that name
    /// the shop (a test leaves `points:{shop}:balance` to prove it is not ours to drop) are not this service's to erase.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RedisKeysAsync(this ReferralsApp app, Guid shop)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<string>();
        foreach (var pattern in (string[])[$"referral:{shop}:*", $"processed:{shop}:*", $"rate_limit:{shop}:*"])
        {
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 500)) // SCAN underneath
                keys.Add(key.ToString());
        }
        return keys;
    }

    public static async Task SetRedisKeysAsync(this ReferralsApp app, params string[] keys)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.RedisConnectionString);
        foreach (var key in keys)
            await redis.GetDatabase().StringSetAsync(key, "1", TimeSpan.FromHours(1));
    }

    private static async Task<long> CountAsync(this ReferralsApp app, string sql, Guid shop, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

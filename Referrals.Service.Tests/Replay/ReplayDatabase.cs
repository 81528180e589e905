using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Replay;

/// <summary>Reads processed_events straight from PostgreSQL.</summary>
public static class ReplayDatabase
{
    /// <summary>processed_at of each processed event among <paramref name="eventIds"/>.</summary>
    public static async Task<IReadOnlyList<DateTimeOffset>> ProcessedAtAsync(this ReferralsApp app, Guid shop, IReadOnlyCollection<string> eventIds,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select (data->>'processed_at')::timestamptz from referrals.mt_doc_processed_events " +
            "where tenant_id = @shop and id = any(@ids) and data->>'state' = 'processed'", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("ids", eventIds.ToArray());
        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            times.Add(reader.GetFieldValue<DateTimeOffset>(0));
        return times;
    }
}

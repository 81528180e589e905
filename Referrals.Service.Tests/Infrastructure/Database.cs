using Npgsql;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>Reads what the service stored, straight from PostgreSQL (as the owner), to check effects the API does not show.</summary>
public static class Database
{
    public sealed record ReferralRow(string Status, string? StatusReason);

    public static async Task<ReferralRow?> ReferralAsync(this ReferralsApp app, Guid shop, Guid referralId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select data->>'status', data->>'status_reason' from referrals.mt_doc_referral where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("id", referralId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new ReferralRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>The processed_events row of an event: its state ("accepted"/"processed") and outcome, or null.</summary>
    public static async Task<(string State, string? Outcome)?> ProcessedEventAsync(this ReferralsApp app, Guid shop, string eventId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select data->>'state', data->>'outcome' from referrals.mt_doc_processed_events where tenant_id = @shop and id = @id", connection);
        command.Parameters.AddWithValue("shop", shop.ToString());
        command.Parameters.AddWithValue("id", eventId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }
}

using Npgsql;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.DeadLetters;

/// <summary>Reads the dead-letter ledger straight from PostgreSQL.</summary>
public static class DeadLetterDatabase
{
    /// <summary>The ledger row of a dead letter: when it was reprocessed, and which record reprocess-dlq sent.</summary>
    public static async Task<(DateTimeOffset? ReprocessedAt, long? SentOffset)?> DeadLetterAsync(this ReferralsApp app, string dlqId,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select (data->>'reprocessed_at')::timestamptz, (data->>'sent_offset')::bigint from referrals.mt_doc_dead_letters where id = @id",
            connection);
        command.Parameters.AddWithValue("id", dlqId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return (reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    /// <summary>Dead letters in the ledger not reprocessed (what referrals_dlq_size_total counts), and how many of <paramref name="ids"/> are among them.</summary>
    public static async Task<(long All, long OfThese)> WaitingDeadLettersAsync(this ReferralsApp app, string[] ids, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select count(*), count(*) filter (where id = any(@ids)) from referrals.mt_doc_dead_letters where data->>'reprocessed_at' is null",
            connection);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}

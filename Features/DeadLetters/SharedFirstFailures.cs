using Npgsql;
using Referrals.Service.Storage;

namespace Referrals.Service.Features.DeadLetters;

/// <summary>
/// When each failing message first failed, for the whole cluster: a scheduled retry is run by whichever instance
/// polls it first, so the instance that parks a message is often not the one that noted its first failure. The note
/// is kept in Postgres (<see cref="Table"/>, one row per failing envelope, dropped when the message is parked or after
/// <see cref="Forget"/>) and in the noting instance's memory (<see cref="FirstFailures"/>), which answers when Postgres
/// is the reason for the failure and the note could not be written. The earlier of the two is the first failure.
/// </summary>
public sealed class SharedFirstFailures(FirstFailures local, NpgsqlDataSource database, TimeProvider clock, ILogger<SharedFirstFailures> logger)
{
    public const string Table = $"{DocumentStorage.Schema}.message_first_failures";

    /// <summary>A retry that succeeded never takes its note; notes this old are dropped when another one is written.</summary>
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    /// <summary>Each write or read gets this long: a note is worth less than holding a failing message up.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    public const string Ddl = $"""
        create table if not exists {Table} (
          envelope_id uuid primary key,
          failed_at timestamptz not null
        );
        create index if not exists message_first_failures_failed_at on {Table} (failed_at);
        """;

    public async Task NoteAsync(Guid envelopeId)
    {
        local.Note(envelopeId);
        var now = clock.GetUtcNow();
        await TryAsync("note", async ct =>
        {
            await using var command = database.CreateCommand(
                $"delete from {Table} where failed_at < @forget; " +
                $"insert into {Table} (envelope_id, failed_at) values (@id, @at) on conflict (envelope_id) do nothing");
            command.Parameters.AddWithValue("forget", now - Forget);
            command.Parameters.AddWithValue("id", envelopeId);
            command.Parameters.AddWithValue("at", now);
            await command.ExecuteNonQueryAsync(ct);
            return (DateTimeOffset?)null;
        });
    }

    /// <summary>When <paramref name="envelopeId"/> first failed on any instance, forgetting it; null when no note survives.</summary>
    public async Task<DateTimeOffset?> TakeAsync(Guid envelopeId)
    {
        var here = local.Take(envelopeId);
        var anywhere = await TryAsync("take", async ct =>
        {
            await using var command = database.CreateCommand($"delete from {Table} where envelope_id = @id returning failed_at");
            command.Parameters.AddWithValue("id", envelopeId);
            return await command.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : (DateTimeOffset?)null;
        });
        return (here, anywhere) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            _ => here ?? anywhere,
        };
    }

    private async Task<DateTimeOffset?> TryAsync(string what, Func<CancellationToken, Task<DateTimeOffset?>> action)
    {
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            return await action(patience.Token);
        }
        catch (Exception e) when (StorageOutage.IsOutage(e, patience.IsCancellationRequested))
        {
            logger.LogDebug(e, "Could not {What} a first failure in Postgres; this instance's memory answers", what);
            return null;
        }
    }
}

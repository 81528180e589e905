using Marten;
using Npgsql;
using Referrals.Service.Platform;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// `migrate` writes version 1 of every seeded message that has no version yet (off the instances' start path). Texts
/// an admin changed since are left alone: the seed never overwrites a newer version. Migrations running together take
/// turns (a transaction-scoped advisory lock), so the second finds the seed written instead of colliding with it.
/// </summary>
public sealed class SeedTranslations(IDocumentStore store, TimeProvider clock, ILogger<SeedTranslations> logger) : IDatabaseSeed
{
    private const long SeedLockId = 0x5245_4653_4545_44; // "REFSEED"

    public async Task SeedAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellationToken);
        await using (var takeTurn = new NpgsqlCommand($"select pg_advisory_xact_lock({SeedLockId})", (NpgsqlConnection)session.Connection!))
            await takeTurn.ExecuteNonQueryAsync(cancellationToken);
        var existing = (await session.Query<Translation>().Select(t => new { t.Key, t.Locale }).ToListAsync(cancellationToken))
            .Select(t => (t.Key, t.Locale)).ToHashSet();

        var now = clock.GetUtcNow();
        var missing = SeededMessages.All.Where(m => !existing.Contains((m.Key, m.Locale))).ToList();
        foreach (var (key, locale, value) in missing)
            session.Insert(new Translation(Guid.CreateVersion7(now), key, locale, value, 1, now, CreatedByShopId: null));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            await progress.WriteLineAsync($"translations: {missing.Count} seeded");
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // Another migration running at the same time wrote version 1 first: the seed is there either way.
            logger.LogInformation("Translations were seeded by another migration");
        }
    }

    private static bool IsUniqueViolation(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.UniqueViolation;
}

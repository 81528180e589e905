using Marten;
using Npgsql;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// On start, writes version 1 of every seeded message that has no version yet. Texts an admin changed
/// since are left alone: the seed never overwrites a newer version. Instances starting together take turns (a
/// transaction-scoped advisory lock), so the second finds the seed written instead of colliding with it.
/// </summary>
public sealed class SeedTranslations(IDocumentStore store, TimeProvider clock, ILogger<SeedTranslations> logger) : IHostedService
{
    private const long SeedLockId = 0x5245_4653_4545_44; // "REFSEED"

    public async Task StartAsync(CancellationToken cancellationToken)
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
            logger.LogInformation("Seeded {TranslationCount} translation(s)", missing.Count);
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // Another instance starting at the same time wrote version 1 first: the seed is there either way.
            logger.LogInformation("Translations were seeded by another instance");
        }
    }

    private static bool IsUniqueViolation(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.UniqueViolation;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

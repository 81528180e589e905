using Marten;
using Npgsql;

namespace Referrals.Service.Features.Translations;

/// <summary>
/// On start, writes version 1 of every seeded message that has no version yet. Texts an admin changed
/// since are left alone: the seed never overwrites a newer version.
/// </summary>
public sealed class SeedTranslations(IDocumentStore store, TimeProvider clock, ILogger<SeedTranslations> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
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

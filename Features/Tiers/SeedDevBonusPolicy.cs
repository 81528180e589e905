using Marten;
using Microsoft.Extensions.Options;
using Referrals.Service.Tenancy;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// In development, each dev shop without a policy gets the documented example (README): bronze ×1.0,
/// silver ×1.25, gold ×1.5 + 100 points, platinum ×2.0 + 250 points, looking back 30 days. A policy the
/// merchant already set is left alone.
/// </summary>
public sealed class SeedDevBonusPolicy(IDocumentStore store, IOptions<DevShopsOptions> options, TimeProvider clock,
    ILogger<SeedDevBonusPolicy> logger) : IHostedService
{
    public static BonusPolicy Example(Guid shopId, DateTimeOffset now) => new(shopId, 30,
    [
        new TierBonus("bronze", 1.0, 0),
        new TierBonus("silver", 1.25, 0),
        new TierBonus("gold", 1.5, 100),
        new TierBonus("platinum", 2.0, 250),
    ], now);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Seed)
            return;

        foreach (var shop in options.Value.Shops)
        {
            await using var session = store.LightweightSession(shop.Id.ToString());
            if (await session.LoadAsync<BonusPolicy>(shop.Id, cancellationToken) is not null)
                continue;
            session.Store(Example(shop.Id, clock.GetUtcNow()));
            await session.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Seeded the example tier bonus policy of dev shop {ShopId}", shop.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

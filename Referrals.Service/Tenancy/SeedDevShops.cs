using Marten;
using Microsoft.Extensions.Options;

namespace Referrals.Service.Tenancy;

/// <summary>
/// Registers the development shops (active, no test orders) on start, so F5 and the tests have shops to sign
/// webhooks for. Development only: <see cref="RefuseDevDefaultsOutsideDevelopment"/> refuses `DevShops:Seed` elsewhere.
/// </summary>
public sealed class SeedDevShops(IDocumentStore store, IOptions<DevShopsOptions> options, TimeProvider clock,
    ILogger<SeedDevShops> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Seed || options.Value.Shops.Count == 0)
            return;

        await using var session = store.LightweightSession();
        foreach (var shop in options.Value.Shops)
            session.Store(new Shop(shop.Id, shop.Domain, AllowTestOrders: false, Active: true, clock.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Seeded {ShopCount} development shop(s)", options.Value.Shops.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace Referrals.Service.Tenancy;

/// <summary>Finds a shop by its myshopify.com domain (how a webhook names its shop). Cached for a minute.</summary>
public sealed class ShopDirectory(IDocumentStore store, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    public async Task<Shop?> FindByDomainAsync(string? domain, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(domain) || domain.Length > 255)
            return null;
        var normalized = domain.Trim().ToLowerInvariant();

        return await cache.GetOrCreateAsync($"shop-by-domain:{normalized}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            await using var session = store.QuerySession();
            return await session.Query<Shop>().FirstOrDefaultAsync(shop => shop.Domain == normalized, ct);
        });
    }

    public async Task<Shop?> FindAsync(Guid shopId, CancellationToken ct)
    {
        return await cache.GetOrCreateAsync($"shop-by-id:{shopId}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            await using var session = store.QuerySession();
            return await session.LoadAsync<Shop>(shopId, ct);
        });
    }
}

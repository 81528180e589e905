using Marten;
using Microsoft.Extensions.Caching.Memory;

namespace Referrals.Service.Tenancy;

/// <summary>
/// Finds a shop by its myshopify.com domain (how a webhook names its shop) or its id. Answers, including "no such
/// shop", are cached briefly in a cache of its own with a bounded number of entries, so lookups of arbitrary domains
/// cannot grow it; a domain that is not a myshopify.com domain is never looked up at all. A change through the
/// registry on this instance drops the shop's entries at once (<see cref="Forget"/>); another instance sees it
/// within <see cref="CacheFor"/>.
/// </summary>
public sealed class ShopDirectory(IDocumentStore store) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 10_000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public async Task<Shop?> FindByDomainAsync(string? domain, CancellationToken ct)
    {
        if (ShopDomains.Normalize(domain) is not { } normalized)
            return null;

        return await _cache.GetOrCreateAsync(DomainKey(normalized), async entry =>
        {
            entry.SetSize(1).SetAbsoluteExpiration(CacheFor);
            await using var session = store.QuerySession();
            return await session.Query<Shop>().FirstOrDefaultAsync(shop => shop.Domain == normalized, ct);
        });
    }

    public async Task<Shop?> FindAsync(Guid shopId, CancellationToken ct)
    {
        return await _cache.GetOrCreateAsync(IdKey(shopId), async entry =>
        {
            entry.SetSize(1).SetAbsoluteExpiration(CacheFor);
            await using var session = store.QuerySession();
            return await session.LoadAsync<Shop>(shopId, ct);
        });
    }

    /// <summary>Drops what this instance cached of a shop that changed (under its old and its new domain).</summary>
    public void Forget(Guid shopId, params string?[] domains)
    {
        _cache.Remove(IdKey(shopId));
        foreach (var domain in domains)
        {
            if (ShopDomains.Normalize(domain) is { } normalized)
                _cache.Remove(DomainKey(normalized));
        }
    }

    public void Dispose() => _cache.Dispose();

    private static string DomainKey(string domain) => $"shop-by-domain:{domain}";

    private static string IdKey(Guid shopId) => $"shop-by-id:{shopId}";
}

using Marten;

namespace Referrals.Service.Tenancy;

/// <summary>What an operator says about a shop: its myshopify.com domain, whether test orders convert, whether it is active.</summary>
public sealed record ShopRegistration(string Domain, bool AllowTestOrders, bool Active)
{
    /// <summary>Why the registration cannot be stored, or null when it can.</summary>
    public static string? ProblemOf(Guid shopId, string? domain)
    {
        if (shopId == Guid.Empty)
            return "the shop id must be a non-empty UUID";
        return ShopDomains.Normalize(domain) is null
            ? "the domain must be the shop's permanent '<handle>.myshopify.com' domain"
            : null;
    }
}

/// <summary>The outcome of <see cref="ShopRegistry.PutAsync"/>: the stored shop, or the other shop that holds the domain.</summary>
public sealed record ShopPut(Shop? Stored, Guid? DomainTakenBy);

/// <summary>
/// The shop registry: the only writer of <see cref="Shop"/> documents (the operator route, the `shops put` command,
/// app/uninstalled). A domain belongs to one shop; the unique index on it settles a race between two writers.
/// </summary>
public sealed class ShopRegistry(IDocumentStore store, TimeProvider clock, ShopDirectory? directory = null)
{
    /// <summary>Creates or replaces the shop; the caller validated the registration (<see cref="ShopRegistration.ProblemOf"/>).</summary>
    public async Task<ShopPut> PutAsync(Guid shopId, ShopRegistration registration, CancellationToken ct)
    {
        var domain = ShopDomains.Normalize(registration.Domain)
            ?? throw new ArgumentException(ShopRegistration.ProblemOf(shopId, registration.Domain), nameof(registration));

        await using var session = store.LightweightSession();
        var holder = await session.Query<Shop>().FirstOrDefaultAsync(shop => shop.Domain == domain, ct);
        if (holder is not null && holder.Id != shopId)
            return new ShopPut(null, holder.Id);

        var before = await session.LoadAsync<Shop>(shopId, ct);
        var shop = (before ?? new Shop(shopId, domain, false, true, clock.GetUtcNow())) with
        {
            Domain = domain,
            AllowTestOrders = registration.AllowTestOrders,
            Active = registration.Active,
            UpdatedAt = clock.GetUtcNow(),
        };
        session.Store(shop);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // Another writer registered the domain for another shop between the check and the save.
            return new ShopPut(null, Guid.Empty);
        }

        directory?.Forget(shopId, before?.Domain, domain);
        return new ShopPut(shop, null);
    }

    private static bool IsUniqueViolation(Exception e) =>
        e is JasperFx.DocumentAlreadyExistsException
        || (e.InnerException ?? e) is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation };
}

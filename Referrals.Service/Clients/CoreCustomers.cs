using Grpc.Core;
using Referrals.Contracts.Core.V1;

namespace Referrals.Service.Clients;

/// <summary>The Core service's view of a shop's customers (Core owns customer ids).</summary>
public sealed class CoreCustomers(CoreService.CoreServiceClient core, TimeProvider clock)
{
    private static readonly TimeSpan CoreDeadline = TimeSpan.FromSeconds(5);

    /// <summary>The platform id of a Shopify customer of the shop; null when Core does not know them.</summary>
    /// <exception cref="CoreUnavailableException">Core could not answer; worth a retry.</exception>
    public async Task<Guid?> FindByShopifyIdAsync(Guid shopId, long shopifyCustomerId, CancellationToken ct)
    {
        try
        {
            var found = await core.GetCustomerByShopifyIdAsync(
                new GetCustomerByShopifyIdRequest { ShopId = shopId.ToString(), ShopifyCustomerId = shopifyCustomerId },
                deadline: clock.GetUtcNow().UtcDateTime + CoreDeadline, cancellationToken: ct);
            return Guid.TryParse(found.CustomerId, out var customerId) ? customerId : null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
        {
            throw new CoreUnavailableException(e.StatusCode);
        }
    }

    /// <summary>Whether Core knows the customer in the shop.</summary>
    /// <exception cref="CoreUnavailableException">Core could not answer; worth a retry.</exception>
    public async Task<bool> IsKnownAsync(Guid shopId, Guid customerId, CancellationToken ct)
    {
        try
        {
            await core.GetCustomerRFMAsync(new GetCustomerRFMRequest { ShopId = shopId.ToString(), CustomerId = customerId.ToString() },
                deadline: clock.GetUtcNow().UtcDateTime + CoreDeadline, cancellationToken: ct);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
        {
            throw new CoreUnavailableException(e.StatusCode);
        }
    }

    /// <summary>The customer's number of orders (Core's RFM frequency); null when Core does not know them.</summary>
    /// <exception cref="CoreUnavailableException">Core could not answer; worth a retry.</exception>
    public async Task<int?> OrderCountAsync(Guid shopId, Guid customerId, CancellationToken ct)
    {
        try
        {
            var rfm = await core.GetCustomerRFMAsync(new GetCustomerRFMRequest { ShopId = shopId.ToString(), CustomerId = customerId.ToString() },
                deadline: clock.GetUtcNow().UtcDateTime + CoreDeadline, cancellationToken: ct);
            return rfm.Frequency;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
        {
            throw new CoreUnavailableException(e.StatusCode);
        }
    }
}

/// <summary>The Core service did not answer (unavailable, deadline, internal error): transient, retried.</summary>
public sealed class CoreUnavailableException(StatusCode status)
    : Exception($"the Core service did not answer ({status})");

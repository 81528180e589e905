using Grpc.Core;
using Referrals.Contracts.Core.V1;

namespace Referrals.Service.Infrastructure;

/// <summary>The Core service's view of a shop's customers (Core owns customer ids).</summary>
public sealed class CoreCustomers(CoreService.CoreServiceClient core, TimeProvider clock)
{
    private static readonly TimeSpan CoreDeadline = TimeSpan.FromSeconds(3);

    /// <summary>NOT_FOUND for a customer Core does not know; UNAVAILABLE when Core cannot answer.</summary>
    public async Task RequireKnownAsync(Guid shopId, Guid customerId, CancellationToken ct)
    {
        try
        {
            await core.GetCustomerRFMAsync(new GetCustomerRFMRequest { ShopId = shopId.ToString(), CustomerId = customerId.ToString() },
                deadline: clock.GetUtcNow().UtcDateTime + CoreDeadline, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"customer {customerId} is not a customer of shop {shopId}"));
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the Core service is unavailable"));
        }
    }
}

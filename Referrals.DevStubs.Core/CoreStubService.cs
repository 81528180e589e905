// DEVELOPMENT/TEST ONLY. Stand-in for the Core team's CoreService with deterministic answers:
//   - shops: DevCustomers.KnownShops (main ...0001, other ...0002); Shopify customers 1..1000 in each;
//   - platform customer ids: DevCustomers.PlatformId (e.g. main shop, n = 42 -> 5f0c6a8e-0000-4000-9000-000100000042);
//   - RFM of customer n: recency = n % 90 + 1, frequency = n % 12 + 1, monetary = n * 10.5;
//   - unknown shop or customer -> NOT_FOUND; an id that is not a UUID -> INVALID_ARGUMENT naming the field;
//   - every call first goes through the FaultSwitch, which may fail it on purpose.
// See README.md.
using Grpc.Core;
using Referrals.Contracts.Core.V1;

namespace Referrals.DevStubs.Core;

public sealed class CoreStubService(FaultSwitch faults, LaggingCustomers lagging) : CoreService.CoreServiceBase
{
    public override async Task<GetCustomerRFMResponse> GetCustomerRFM(GetCustomerRFMRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await faults.OnCallAsync();
        var shopId = ParseUuid("shop_id", request.ShopId);
        var customerId = ParseUuid("customer_id", request.CustomerId);
        RequireKnownShop(shopId);
        if (!DevCustomers.TryGetShopifyId(shopId, customerId, out var n))
        {
            throw new RpcException(new Status(
                StatusCode.NotFound,
                $"customer {customerId} not found in shop {shopId} (dev customers are DevCustomers.PlatformId(shop, 1..1000))"));
        }

        return new GetCustomerRFMResponse
        {
            Recency = (int)(n % 90 + 1),
            Frequency = (int)(n % 12 + 1),
            Monetary = n * 10.5,
        };
    }

    public override async Task<GetCustomerByShopifyIdResponse> GetCustomerByShopifyId(
        GetCustomerByShopifyIdRequest request,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await faults.OnCallAsync();
        var shopId = ParseUuid("shop_id", request.ShopId);
        RequireKnownShop(shopId);
        if (!DevCustomers.IsKnownShopifyId(request.ShopifyCustomerId) || lagging.IsLagging(request.ShopifyCustomerId))
        {
            throw new RpcException(new Status(
                StatusCode.NotFound,
                $"Shopify customer {request.ShopifyCustomerId} not found in shop {shopId} (dev customers are 1..1000)"));
        }

        return new GetCustomerByShopifyIdResponse
        {
            CustomerId = DevCustomers.PlatformId(shopId, request.ShopifyCustomerId).ToString(),
        };
    }

    private static Guid ParseUuid(string field, string value) =>
        Guid.TryParse(value, out var id)
            ? id
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} '{value}' is not a UUID"));

    private static void RequireKnownShop(Guid shopId)
    {
        if (!DevCustomers.IsKnownShop(shopId))
        {
            throw new RpcException(new Status(
                StatusCode.NotFound,
                $"shop {shopId} not found (dev shops are {string.Join(", ", DevCustomers.KnownShops)})"));
        }
    }
}

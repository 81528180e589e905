// DEVELOPMENT/TEST ONLY. The fixed set of customers that the Core stub knows. Test projects link this file,
// so it depends on the BCL only.
//
// Dev shops: main 5f0c6a8e-0000-4000-8000-000000000001, other 5f0c6a8e-0000-4000-8000-000000000002.
// In each, Shopify customers 1..1000 exist (the tests' customers), and 100001..110000 (load customers: the benches' and
// the chaos run's, so a run beside the test suite never touches a customer a test counts on). Shopify customer n of shop S has the platform id
//   5f0c6a8e-0000-4000-9000-{"00" + last 2 hex digits of S}{n as 8 decimal digits}
// e.g. main shop, n = 42 -> 5f0c6a8e-0000-4000-9000-000100000042.
using System.Globalization;

namespace Referrals.DevStubs.Core;

public static class DevCustomers
{
    public const long FirstShopifyCustomerId = 1;
    public const long LastShopifyCustomerId = 1000;

    public const long FirstLoadCustomerId = 100_001;
    public const long LoadCustomers = 10_000;

    private const string PlatformIdPrefix = "5f0c6a8e-0000-4000-9000-";

    public static Guid MainShopId { get; } = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000001");

    public static Guid OtherShopId { get; } = Guid.Parse("5f0c6a8e-0000-4000-8000-000000000002");

    public static IReadOnlyList<Guid> KnownShops { get; } = [MainShopId, OtherShopId];

    public static bool IsKnownShop(Guid shopId) => KnownShops.Contains(shopId);

    public static bool IsKnownShopifyId(long shopifyCustomerId) =>
        shopifyCustomerId is >= FirstShopifyCustomerId and <= LastShopifyCustomerId
        || (shopifyCustomerId >= FirstLoadCustomerId && shopifyCustomerId < FirstLoadCustomerId + LoadCustomers);

    /// <summary>Applies the id rule. It does not check that the shop or the customer is known.</summary>
    public static Guid PlatformId(Guid shopId, long shopifyCustomerId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shopifyCustomerId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shopifyCustomerId, 99_999_999);
        return Guid.Parse(
            PlatformIdPrefix + ShopSegment(shopId) + shopifyCustomerId.ToString("D8", CultureInfo.InvariantCulture));
    }

    /// <summary>True when <paramref name="customerId"/> is a known customer of the known shop <paramref name="shopId"/>.</summary>
    public static bool TryGetShopifyId(Guid shopId, Guid customerId, out long shopifyCustomerId)
    {
        shopifyCustomerId = 0;
        if (!IsKnownShop(shopId))
        {
            return false;
        }

        var id = customerId.ToString("D");
        var prefix = PlatformIdPrefix + ShopSegment(shopId);
        // NumberStyles.None: the last 8 characters must be decimal digits only.
        if (!id.StartsWith(prefix, StringComparison.Ordinal)
            || !long.TryParse(id.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || !IsKnownShopifyId(parsed))
        {
            return false;
        }

        shopifyCustomerId = parsed;
        return true;
    }

    private static string ShopSegment(Guid shopId) => string.Concat("00", shopId.ToString("N").AsSpan(30));
}

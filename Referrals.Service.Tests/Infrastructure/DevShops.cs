using Referrals.DevStubs.Auth;
using Referrals.DevStubs.Core;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>The documented dev shops (README) and tokens for their merchants and customers.</summary>
public static class DevShops
{
    public static readonly Guid Main = DevCustomers.MainShopId;
    public static readonly Guid Other = DevCustomers.OtherShopId;

    public static Guid Customer(Guid shop, long shopifyCustomerNumber) => DevCustomers.PlatformId(shop, shopifyCustomerNumber);

    public static string MerchantToken(Guid shop, TimeSpan? ttl = null) =>
        DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), "merchant:referrals:view", null,
            ttl ?? TimeSpan.FromHours(1), null, DateTimeOffset.UtcNow);

    public static string AdminToken(Guid shop, string scope = "merchant:referrals:admin") =>
        DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), scope, null, TimeSpan.FromHours(1), null, DateTimeOffset.UtcNow);

    public static string MerchantTokenWithJti(Guid shop, string jti) =>
        DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), "merchant:referrals:view", null, TimeSpan.FromHours(1), jti, DateTimeOffset.UtcNow);

    public static string CustomerToken(Guid shop, Guid customer) =>
        DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), "customer:referrals:view", customer.ToString(),
            TimeSpan.FromHours(1), null, DateTimeOffset.UtcNow);
}

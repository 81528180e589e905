using Referrals.DevStubs.Auth;
using Referrals.DevStubs.Core;

namespace Referrals.Service.Tests.Infrastructure;

/// <summary>The documented dev shops (README) and tokens for their merchants, customers, AdminCore and operators.</summary>
public static class DevShops
{
    public static readonly Guid Main = DevCustomers.MainShopId;
    public static readonly Guid Other = DevCustomers.OtherShopId;

    /// <summary>Platform tokens (AdminCore's, operators') carry the nil UUID as their shop_id.</summary>
    public static readonly Guid Platform = Guid.Empty;

    public static Guid Customer(Guid shop, long shopifyCustomerNumber) => DevCustomers.PlatformId(shop, shopifyCustomerNumber);

    /// <summary>A read-only merchant token (`merchant:referrals:view`).</summary>
    public static string MerchantToken(Guid shop, TimeSpan? ttl = null) =>
        Token(shop, "merchant:referrals:view", ttl: ttl);

    public static string AdminToken(Guid shop, string scope = "merchant:referrals:admin") => Token(shop, scope);

    public static string MerchantTokenWithJti(Guid shop, string jti) => Token(shop, "merchant:referrals:view", jti: jti);

    public static string CustomerToken(Guid shop, Guid customer) => Token(shop, "customer:referrals:view", subject: customer);

    /// <summary>A platform operator's token (`platform:referrals:operator`), platform-wide.</summary>
    public static string OperatorToken(string scope = "platform:referrals:operator") => Token(Platform, scope);

    /// <summary>AdminCore's token for PurgeAuditLogs' metadata (`admin:audit:purge`), platform-wide.</summary>
    public static string AdminCoreToken(string scope = "admin:audit:purge") => Token(Platform, scope);

    /// <summary>A valid token of the shop that carries no referral scope at all.</summary>
    public static string NoScopeToken(Guid shop) => Token(shop, "profile:read");

    /// <summary>Any scope string, as Auth would put it in the claim (space-separated).</summary>
    public static string Token(Guid shop, string scope, Guid? subject = null, string? jti = null, TimeSpan? ttl = null) =>
        DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), scope, subject?.ToString(), ttl ?? TimeSpan.FromHours(1), jti,
            DateTimeOffset.UtcNow);

    /// <summary>A token that expired an hour ago (well past Auth's clock skew).</summary>
    public static string ExpiredToken(Guid shop, string scope = "merchant:referrals:admin") =>
        DevTokens.Mint(DevTokens.DefaultSigningKey, shop.ToString(), scope, null, TimeSpan.FromMinutes(1), null, DateTimeOffset.UtcNow.AddHours(-1));

    /// <summary>A well-formed token signed with a key Auth does not know.</summary>
    public static string ForgedToken(Guid shop, string scope = "merchant:referrals:admin platform:referrals:operator admin:audit:purge") =>
        DevTokens.Mint("forged-signing-key-0123456789abcdef-xyz", shop.ToString(), scope, null, TimeSpan.FromHours(1), null, DateTimeOffset.UtcNow);
}

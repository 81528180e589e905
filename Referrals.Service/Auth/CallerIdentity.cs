namespace Referrals.Service.Auth;

/// <summary>Who is calling, as the Auth service vouched for their token.</summary>
public sealed record CallerIdentity(Guid ShopId, IReadOnlySet<string> Scopes, Guid? CustomerId, string Jti, DateTimeOffset ExpiresAt)
{
    public const string MerchantView = "merchant:referrals:view";
    public const string CustomerView = "customer:referrals:view";
    public const string MerchantAdmin = "merchant:referrals:admin";

    /// <summary>A merchant of the shop sees every referral of it; a customer only their own.</summary>
    public bool MaySee(Guid shopId, Guid customerId) =>
        shopId == ShopId && (Scopes.Contains(MerchantView) || (Scopes.Contains(CustomerView) && CustomerId == customerId));

    public bool IsMerchantOf(Guid shopId) => shopId == ShopId && Scopes.Contains(MerchantView);

    public bool IsMerchantAdminOf(Guid shopId) => shopId == ShopId && Scopes.Contains(MerchantAdmin);
}

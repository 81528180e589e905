namespace Referrals.Service.Auth;

/// <summary>Who is calling, as the Auth service vouched for their token.</summary>
public sealed record CallerIdentity(Guid ShopId, IReadOnlySet<string> Scopes, Guid? CustomerId, string Jti, DateTimeOffset ExpiresAt)
{
    public const string MerchantView = Auth.Scopes.MerchantView;
    public const string CustomerView = Auth.Scopes.CustomerView;
    public const string MerchantAdmin = Auth.Scopes.MerchantAdmin;

    /// <summary>A merchant of the shop sees every referral of it; a customer only their own.</summary>
    public bool MaySee(Guid shopId, Guid customerId) =>
        shopId == ShopId && (Scopes.Contains(MerchantView) || (Scopes.Contains(CustomerView) && CustomerId == customerId));

    public bool IsMerchantOf(Guid shopId) => shopId == ShopId && Scopes.Contains(MerchantView);

    public bool IsMerchantAdminOf(Guid shopId) => shopId == ShopId && Scopes.Contains(MerchantAdmin);
}

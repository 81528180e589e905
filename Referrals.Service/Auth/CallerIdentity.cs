namespace Referrals.Service.Auth;

/// <summary>
/// Who is calling, as the Auth service vouched for their token. <paramref name="RevocationChecked"/> is false when
/// the jti blacklist could not be asked (Redis away): reads still go through, destructive calls fail closed.
/// Platform tokens (AdminCore's, operators') carry the nil UUID as their shop: they are no merchant of any shop.
/// </summary>
public sealed record CallerIdentity(Guid ShopId, IReadOnlySet<string> Scopes, Guid? CustomerId, string Jti, DateTimeOffset ExpiresAt,
    bool RevocationChecked = true)
{
    public const string MerchantView = Auth.Scopes.MerchantView;
    public const string CustomerView = Auth.Scopes.CustomerView;
    public const string MerchantAdmin = Auth.Scopes.MerchantAdmin;

    /// <summary>Scopes match exactly: `MERCHANT:REFERRALS:VIEW`, `merchant:referrals:*` or a trailing space grant nothing.</summary>
    public bool Has(string scope) => Scopes.Contains(scope);

    public bool IsOfShop(Guid shopId) => shopId != Guid.Empty && shopId == ShopId;

    /// <summary>A merchant of the shop sees every referral of it; a customer only their own.</summary>
    public bool MaySee(Guid shopId, Guid customerId) =>
        IsOfShop(shopId) && (Has(MerchantView) || (Has(CustomerView) && CustomerId == customerId));

    /// <summary>A customer creates referrals for themselves; a merchant admin for any customer of the shop.</summary>
    public bool MayCreateReferralFor(Guid shopId, Guid customerId) =>
        IsOfShop(shopId) && (Has(MerchantAdmin) || (Has(CustomerView) && CustomerId == customerId));

    public bool IsMerchantOf(Guid shopId) => IsOfShop(shopId) && Has(MerchantView);

    public bool IsMerchantAdminOf(Guid shopId) => IsOfShop(shopId) && Has(MerchantAdmin);
}

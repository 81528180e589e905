namespace Referrals.Service.Auth;

/// <summary>The scopes Auth puts in a token (claim `scope`, space-separated), as this service reads them.</summary>
public static class Scopes
{
    /// <summary>A merchant of the shop reads every referral of it.</summary>
    public const string MerchantView = "merchant:referrals:view";

    /// <summary>A customer reads (and creates) their own referrals only.</summary>
    public const string CustomerView = "customer:referrals:view";

    /// <summary>A merchant of the shop changes the shop's settings: bonus policy, text overrides, fraud settings.</summary>
    public const string MerchantAdmin = "merchant:referrals:admin";

    /// <summary>AdminCore, calling PurgeAuditLogs on a merchant's behalf.</summary>
    public const string AuditPurge = "admin:audit:purge";

    /// <summary>The platform's operators: platform default texts, the shop registry.</summary>
    public const string PlatformOperator = "platform:referrals:operator";
}

/// <summary>
/// The named authorization policies every gRPC method and REST route uses (one door: the bearer authentication
/// handler validates the token; these check scope and shop). FastEndpoints: <c>Policies(AccessPolicies.X)</c>;
/// gRPC: <c>[Authorize(Policy = AccessPolicies.X)]</c>. The README's "Who may call what" lists them route by route.
/// </summary>
public static class AccessPolicies
{
    /// <summary>
    /// `merchant:referrals:admin` of the shop in the route (`{shopId}`) or request. Writes under it fail closed
    /// (503 / UNAVAILABLE) when the jti blacklist cannot be asked; reads (GET) go on.
    /// </summary>
    public const string MerchantAdmin = "merchant-admin";

    /// <summary>
    /// `platform:referrals:operator`, platform-wide: an operator token's shop_id (the nil UUID) is not looked at.
    /// Writes fail closed like <see cref="MerchantAdmin"/>'s.
    /// </summary>
    public const string PlatformOperator = "platform-operator";

    /// <summary>`merchant:referrals:view` or `merchant:referrals:admin` of the shop: a merchant's reads of the shop's settings.</summary>
    public const string MerchantReader = "merchant-reader";

    /// <summary>`merchant:referrals:view` or `customer:referrals:view` of the shop (a customer then sees their own referrals only).</summary>
    public const string ReferralReader = "referral-reader";

    /// <summary>`customer:referrals:view` (for themselves) or `merchant:referrals:admin` (any customer) of the shop.</summary>
    public const string ReferralCreator = "referral-creator";

    /// <summary>AdminCore's `admin:audit:purge`, platform-wide; fails closed when the blacklist cannot be asked.</summary>
    public const string AuditPurger = "audit-purger";
}

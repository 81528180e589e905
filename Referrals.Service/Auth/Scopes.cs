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
/// handler validates the token; these check scope and shop).
/// </summary>
public static class AccessPolicies
{
    /// <summary>`merchant:referrals:admin` of the shop in the route (`{shopId}`) or request.</summary>
    public const string MerchantAdmin = "merchant-admin";

    /// <summary>`platform:referrals:operator`.</summary>
    public const string PlatformOperator = "platform-operator";
}

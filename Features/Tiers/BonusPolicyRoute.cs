namespace Referrals.Service.Features.Tiers;

public static class BonusPolicyRoute
{
    public const string Template = "/shops/{shopId}/tier-bonus-policy";
}

namespace Referrals.Service.Features.Tiers;

public static class BonusPolicyRoute
{
    public const string Template = "/shops/{shopId}/tier-bonus-policy";

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"https://referrals.dev/problems/{title}");
}

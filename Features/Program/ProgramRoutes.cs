namespace Referrals.Service.Features.Program;

public static class ProgramRoutes
{
    public const string Settings = "/shops/{shopId}/program-settings";
    public const string Reviews = "/shops/{shopId}/reviews";
    public const string Approve = "/shops/{shopId}/reviews/{referralId}/approve";
    public const string Reject = "/shops/{shopId}/reviews/{referralId}/reject";
    public const string Block = "/shops/{shopId}/advocates/{customerId}/block";
    public const string Unblock = "/shops/{shopId}/advocates/{customerId}/unblock";

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"https://referrals.dev/problems/{title}");
}

namespace Referrals.Service.Webhooks;

/// <summary>A webhook refused as problem details: the title is the error type, the type its URI.</summary>
public static class WebhookProblem
{
    public static IResult For(int status, string errorType, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: errorType, type: $"https://referrals.dev/problems/{errorType}");
}

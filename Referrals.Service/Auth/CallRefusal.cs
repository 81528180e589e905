using Grpc.Core;

namespace Referrals.Service.Auth;

/// <summary>
/// A refused call's answer: for gRPC a trailers-only response with the gRPC status and reason, for REST problem
/// details with the matching HTTP status (401, 403, 503).
/// </summary>
public static class CallRefusal
{
    public static Task WriteAsync(HttpContext http, StatusCode status, string reason)
    {
        if (http.Response.HasStarted)
            return Task.CompletedTask;

        if (IsGrpc(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["grpc-message"] = Uri.EscapeDataString(reason);
            return Task.CompletedTask;
        }

        var (code, title) = status switch
        {
            StatusCode.Unavailable => (StatusCodes.Status503ServiceUnavailable, "unavailable"),
            StatusCode.PermissionDenied => (StatusCodes.Status403Forbidden, "forbidden"),
            _ => (StatusCodes.Status401Unauthorized, "unauthenticated"),
        };
        if (code == StatusCodes.Status401Unauthorized)
            http.Response.Headers.WWWAuthenticate = BearerAuthentication.SchemeName;
        return TypedResults.Problem(reason, statusCode: code, title: title, type: $"https://referrals.dev/problems/{title}").ExecuteAsync(http);
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}

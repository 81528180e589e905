using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Referrals.Service.Auth;

/// <summary>
/// How the authorization middleware answers a refused call, before any binding, validation or lookup: no or a bad
/// token 401 / UNAUTHENTICATED, Auth unreachable or the blacklist unknown for a write 503 / UNAVAILABLE, a valid
/// token without the policy's scope or of another shop 403 / PERMISSION_DENIED.
/// </summary>
public sealed class RefuseUnauthorizedCalls : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var (status, reason) = authorizeResult.Challenged ? await WhyUnauthenticatedAsync(context) : WhyForbidden(authorizeResult.AuthorizationFailure);
        await CallRefusal.WriteAsync(context, status, reason);
    }

    public static (StatusCode, string) WhyForbidden(AuthorizationFailure? failure)
    {
        // Only a caller who would otherwise be let in hears that the blacklist is away; the others are simply denied.
        if (failure is not null && failure.FailedRequirements.Any() && failure.FailedRequirements.All(r => r is RevocationKnown))
            return (StatusCode.Unavailable, RevocationKnownHandler.Reason);
        var reason = failure?.FailureReasons.FirstOrDefault(r => r.Handler is not RevocationKnownHandler)?.Message;
        return (StatusCode.PermissionDenied, reason ?? "the token does not carry the scope this call needs");
    }

    private static async Task<(StatusCode, string)> WhyUnauthenticatedAsync(HttpContext context)
    {
        var authenticated = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult
            ?? await context.AuthenticateAsync(BearerAuthentication.SchemeName);
        return authenticated?.Failure is TokenRefusedException refused
            ? (refused.Status, refused.Message)
            : (StatusCode.Unauthenticated, "missing 'authorization: Bearer <jwt>'");
    }
}

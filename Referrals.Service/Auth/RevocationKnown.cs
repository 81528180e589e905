using Microsoft.AspNetCore.Authorization;

namespace Referrals.Service.Auth;

/// <summary>
/// Destructive calls fail closed on the jti blacklist: when Redis could not say whether the token was revoked, a write
/// (any HTTP method but GET/HEAD, any gRPC call or resource-based check) is refused with 503 / UNAVAILABLE.
/// Reads under the same policy go on, trusting Auth's signature and expiry (README, "Who may call what").
/// </summary>
public sealed class RevocationKnown : IAuthorizationRequirement;

public sealed class RevocationKnownHandler : AuthorizationHandler<RevocationKnown>
{
    public const string Reason = "the token's revocation cannot be checked right now (jwt blacklist unavailable)";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RevocationKnown requirement)
    {
        var isRead = context.Resource is HttpContext http && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        if (isRead || context.User.ToCaller() is { RevocationChecked: true })
            context.Succeed(requirement);
        else
            context.Fail(new AuthorizationFailureReason(this, Reason));
        return Task.CompletedTask;
    }
}

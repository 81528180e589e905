using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Referrals.Service.Auth;

/// <summary>
/// The access policies asked outside the middleware: a gRPC request's shop_id once its message is read, and a token
/// handed in a request field (PurgeAuditLogs' jwt_token). Answers the gRPC status of a refusal, or null.
/// </summary>
public sealed class CallerAccess(IAuthorizationService authorization, ValidateCallerToken tokens)
{
    public async Task<Status?> RefusalAsync(System.Security.Claims.ClaimsPrincipal user, RequestShop shop, IEnumerable<string> policies)
    {
        foreach (var policy in policies)
        {
            var result = await authorization.AuthorizeAsync(user, shop, policy);
            if (!result.Succeeded)
            {
                var (status, reason) = RefuseUnauthorizedCalls.WhyForbidden(result.Failure);
                return new Status(status, reason);
            }
        }
        return null;
    }

    /// <summary>A token carried in a request field, validated like a bearer token and held to <paramref name="policy"/> for the shop.</summary>
    public async Task<Status?> TokenRefusalAsync(string token, Guid shopId, string policy, CancellationToken ct)
    {
        CallerIdentity caller;
        try
        {
            caller = await tokens.ValidateAsync(token, ct);
        }
        catch (RpcException refused)
        {
            return refused.Status; // malformed, revoked, expired or invalid: UNAUTHENTICATED; Auth away: UNAVAILABLE
        }
        return await RefusalAsync(caller.ToPrincipal(BearerAuthentication.SchemeName), new RequestShop(shopId), [policy]);
    }
}

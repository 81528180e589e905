using System.Globalization;
using System.Security.Claims;
using Grpc.Core;

namespace Referrals.Service.Auth;

/// <summary>
/// The caller as a <see cref="ClaimsPrincipal"/> (what the bearer handler leaves in `HttpContext.User`) and back:
/// handlers read <c>HttpContext.Caller()</c> or <c>context.Caller()</c>, never the Authorization header.
/// </summary>
public static class CallerClaims
{
    public const string ShopId = "shop_id";
    public const string Scope = "scope";
    public const string Subject = "sub";
    public const string Jti = "jti";
    public const string ExpiresAt = "exp";
    public const string RevocationChecked = "revocation_checked";

    public static ClaimsPrincipal ToPrincipal(this CallerIdentity caller, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ShopId, caller.ShopId.ToString()),
            new(Jti, caller.Jti),
            new(ExpiresAt, caller.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
            new(RevocationChecked, caller.RevocationChecked ? "true" : "false", ClaimValueTypes.Boolean),
        };
        claims.AddRange(caller.Scopes.Select(scope => new Claim(Scope, scope)));
        if (caller.CustomerId is { } customer)
            claims.Add(new Claim(Subject, customer.ToString()));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ShopId, Scope));
    }

    /// <summary>The authenticated caller, or null for an anonymous principal.</summary>
    public static CallerIdentity? ToCaller(this ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true } || !Guid.TryParse(user.FindFirst(ShopId)?.Value, out var shopId))
            return null;
        return new CallerIdentity(shopId,
            user.FindAll(Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            Guid.TryParse(user.FindFirst(Subject)?.Value, out var customer) ? customer : null,
            user.FindFirst(Jti)?.Value ?? string.Empty,
            long.TryParse(user.FindFirst(ExpiresAt)?.Value, CultureInfo.InvariantCulture, out var exp)
                ? DateTimeOffset.FromUnixTimeSeconds(exp)
                : DateTimeOffset.MinValue,
            user.FindFirst(RevocationChecked)?.Value == "true");
    }

    /// <summary>The caller the door let in; only called behind a policy, so a missing caller is a wiring mistake.</summary>
    public static CallerIdentity Caller(this HttpContext http) =>
        http.User.ToCaller() ?? throw new InvalidOperationException("no authenticated caller: is the route behind an access policy?");

    public static CallerIdentity Caller(this ServerCallContext context) =>
        context.GetHttpContext().User.ToCaller()
        ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "no authenticated caller"));
}

using Grpc.Core;
using Referrals.Service.Auth;

namespace Referrals.Service.Features.Tiers;

/// <summary>
/// The merchant-admin REST endpoints' door: `Authorization: Bearer &lt;jwt&gt;` validated through Auth (blacklist
/// included), and the token must be a merchant's of the shop in the path. Answers the problem to send, or null.
/// </summary>
public static class MerchantOfShop
{
    public static async Task<IResult?> RefusalAsync(HttpContext http, ValidateCallerToken tokens, Guid shopId, CancellationToken ct)
    {
        string? header = http.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            return Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "missing 'Authorization: Bearer <jwt>'");

        CallerIdentity caller;
        try
        {
            caller = await tokens.ValidateAsync(header[7..].Trim(), ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "auth_unavailable", e.Status.Detail);
        }
        catch (RpcException e)
        {
            return Problem(StatusCodes.Status401Unauthorized, "unauthenticated", e.Status.Detail);
        }

        return caller.IsMerchantOf(shopId)
            ? null
            : Problem(StatusCodes.Status403Forbidden, "forbidden", "the token is not a merchant token of this shop");
    }

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title, type: $"https://referrals.dev/problems/{title}");
}

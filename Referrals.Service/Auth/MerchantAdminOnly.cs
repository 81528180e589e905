using FastEndpoints;
using Grpc.Core;

namespace Referrals.Service.Auth;

/// <summary>
/// Admin REST endpoints under `/admin/shops/{shopId}/…`: `Authorization: Bearer &lt;jwt&gt;` validated through
/// the Auth service like every gRPC call, scope `merchant:referrals:admin`, and the token's shop is the path's.
/// Failures answer problem details: 401 (no/invalid token), 403 (other shop or scope), 503 (Auth unavailable).
/// </summary>
public sealed class MerchantAdminOnly<TRequest> : IPreProcessor<TRequest>
{
    public async Task PreProcessAsync(IPreProcessorContext<TRequest> context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            await RefuseAsync(http, StatusCodes.Status401Unauthorized, "missing 'Authorization: Bearer <jwt>' header");
            return;
        }

        CallerIdentity caller;
        try
        {
            caller = await http.RequestServices.GetRequiredService<ValidateCallerToken>().ValidateAsync(header[7..].Trim(), ct);
        }
        catch (RpcException e)
        {
            await RefuseAsync(http, e.StatusCode == StatusCode.Unavailable
                ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status401Unauthorized, e.Status.Detail);
            return;
        }

        if (!Guid.TryParse(http.GetRouteValue("shopId")?.ToString(), out var shopId) || !caller.IsMerchantAdminOf(shopId))
            await RefuseAsync(http, StatusCodes.Status403Forbidden,
                $"the token does not carry {CallerIdentity.MerchantAdmin} for this shop");
    }

    // A response that has started ends the request: FastEndpoints does not run the handler after it.
    private static Task RefuseAsync(HttpContext http, int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status).ExecuteAsync(http);
}

using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;

namespace Referrals.Service.Auth;

/// <summary>The shop a request is about: REST's `{shopId}` route value, or a gRPC request's `shop_id`.</summary>
public sealed record RequestShop(Guid? ShopId);

/// <summary>"The token's shop is the request's shop", in one place for REST and gRPC.</summary>
public sealed class ShopOfRequest : IAuthorizationRequirement
{
    public const string RouteValue = "shopId";
}

public sealed class ShopOfRequestHandler : AuthorizationHandler<ShopOfRequest>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ShopOfRequest requirement)
    {
        // A gRPC message is not read yet when the middleware authorizes: the method's interceptor
        // (AuthorizeShopOfGrpcRequest) asks again with the request's shop_id, before the method runs.
        if (context.Resource is HttpContext grpc && grpc.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var shop = context.Resource switch
        {
            RequestShop request => request.ShopId,
            HttpContext http => Guid.TryParse(http.GetRouteValue(ShopOfRequest.RouteValue)?.ToString(), out var routed) ? routed : null,
            _ => null,
        };
        if (shop is { } id && context.User.ToCaller() is { } caller && caller.IsOfShop(id))
            context.Succeed(requirement);
        else
            context.Fail(new AuthorizationFailureReason(this, Reason));
        return Task.CompletedTask;
    }

    public const string Reason = "the token is not for this shop";
}

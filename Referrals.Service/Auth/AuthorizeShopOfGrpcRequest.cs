using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authorization;

namespace Referrals.Service.Auth;

/// <summary>
/// The second half of a gRPC method's policies: the middleware checked the token and its scopes before the message
/// was read; here, with the message read and before the method runs, the same policies are asked again with the
/// request's `shop_id` (<see cref="ShopOfRequest"/>). A malformed shop_id is INVALID_ARGUMENT, another shop's
/// PERMISSION_DENIED.
/// </summary>
public sealed class AuthorizeShopOfGrpcRequest(CallerAccess access) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        var policies = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => a.Policy).OfType<string>().ToList() ?? [];
        if (policies.Count == 0)
            return await continuation(request, context);

        var shop = ShopIdOf(request) is { } field ? RpcGuard.Uuid(field, "shop_id") : (Guid?)null;
        if (await access.RefusalAsync(http.User, new RequestShop(shop), policies) is { } refusal)
            throw new RpcException(refusal);
        return await continuation(request, context);
    }

    private static string? ShopIdOf(object request) =>
        request is IMessage message && message.Descriptor.FindFieldByName("shop_id") is { } field
            ? field.Accessor.GetValue(message) as string
            : null;
}

using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Referrals.Service.Auth;

/// <summary>
/// Every gRPC call but health and reflection carries `authorization: Bearer &lt;jwt&gt;`; the validated caller
/// is left in the call's UserState for the method to check shop and scope.
/// </summary>
public sealed class AuthenticateCaller(ValidateCallerToken validator) : Interceptor
{
    private const string CallerKey = "caller";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (IsOpen(context.Method))
            return await continuation(request, context);

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing 'authorization: Bearer <jwt>' metadata"));

        context.UserState[CallerKey] = await validator.ValidateAsync(header[7..].Trim(), context.CancellationToken);
        return await continuation(request, context);
    }

    public static CallerIdentity Caller(ServerCallContext context) =>
        context.UserState.TryGetValue(CallerKey, out var caller) && caller is CallerIdentity identity
            ? identity
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "no authenticated caller"));

    private static bool IsOpen(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal) ||
        method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}

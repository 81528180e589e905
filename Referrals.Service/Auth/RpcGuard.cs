using Grpc.Core;

namespace Referrals.Service.Auth;

/// <summary>Request field checks that answer INVALID_ARGUMENT naming the field.</summary>
public static class RpcGuard
{
    public static Guid Uuid(string value, string field) =>
        Guid.TryParse(value, out var id) && id != Guid.Empty
            ? id
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} must be a UUID"));

    public static string Text(string value, string field, int maxLength) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= maxLength
            ? value
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is required (at most {maxLength} characters)"));

    public static void Allow(bool allowed, string why)
    {
        if (!allowed)
            throw new RpcException(new Status(StatusCode.PermissionDenied, why));
    }
}

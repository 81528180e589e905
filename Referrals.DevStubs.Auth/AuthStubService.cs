// DEVELOPMENT/TEST ONLY. Stand-in for the Auth team's AuthService: accepts HS256 JWTs signed with the dev key.
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Referrals.Contracts.Auth.V1;

namespace Referrals.DevStubs.Auth;

public sealed class AuthStubService(SymmetricSecurityKey signingKey)
    : AuthService.AuthServiceBase
{
    private static readonly JsonWebTokenHandler Handler = new();

    public override async Task<ValidateTokenResponse> ValidateToken(ValidateTokenRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.JwtToken))
        {
            throw Reject("jwt_token is empty");
        }

        var result = await Handler.ValidateTokenAsync(request.JwtToken, ValidationParameters());
        if (!result.IsValid)
        {
            throw Reject(Describe(result.Exception));
        }

        var token = (JsonWebToken)result.SecurityToken;
        if (!token.TryGetPayloadValue<string>("shop_id", out var shopId) || string.IsNullOrWhiteSpace(shopId))
        {
            throw Reject("token has no shop_id claim");
        }

        if (!Guid.TryParse(shopId, out var shopGuid))
        {
            throw Reject($"shop_id claim '{shopId}' is not a UUID");
        }

        if (string.IsNullOrWhiteSpace(token.Id))
        {
            throw Reject("token has no jti claim");
        }

        token.TryGetPayloadValue<string>("scope", out var scope);
        var response = new ValidateTokenResponse
        {
            ShopId = shopGuid.ToString(),
            Subject = token.Subject ?? string.Empty,
            Jti = token.Id,
            ExpiresAtUnix = token.GetPayloadValue<long>("exp"),
        };
        response.Scopes.AddRange((scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return response;
    }

    private TokenValidationParameters ValidationParameters() => new()
    {
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = signingKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(5),
    };

    // IdentityModel hides the details of its messages (PII), so the reasons are spelled out here.
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException expired => $"token expired at {expired.Expires:O}",
        SecurityTokenNotYetValidException notYet => $"token not valid before {notYet.NotBefore:O}",
        SecurityTokenNoExpirationException => "token has no exp claim",
        SecurityTokenInvalidAlgorithmException => "token algorithm is not HS256",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "token is malformed",
        null => "token is invalid",
        _ => $"token is invalid ({exception.GetType().Name})",
    };

    // Grpc.AspNetCore logs the status and reason of every rejected call.
    private static RpcException Reject(string reason) => new(new Status(StatusCode.Unauthenticated, reason));
}

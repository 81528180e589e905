// DEVELOPMENT/TEST ONLY. Mints the HS256 dev JWTs that the Auth stub accepts.
// Test projects link this file, so it depends on Microsoft.IdentityModel.* and the BCL only.
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Referrals.DevStubs.Auth;

public static class DevTokens
{
    public const string DefaultSigningKey = "dev-signing-key-change-me-0123456789abcdef";

    // HS256 needs a key of at least 256 bits.
    private const int MinimumKeyBytes = 32;

    public static SymmetricSecurityKey CreateSigningKey(string signingKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingKey);
        var bytes = Encoding.UTF8.GetBytes(signingKey);
        if (bytes.Length < MinimumKeyBytes)
        {
            throw new ArgumentException(
                $"The dev signing key must be at least {MinimumKeyBytes} bytes of UTF-8, got {bytes.Length}.",
                nameof(signingKey));
        }

        return new SymmetricSecurityKey(bytes);
    }

    /// <summary>Creates a compact HS256 JWT with the claims shop_id, scope, jti, iat, nbf, exp and, when given, sub.</summary>
    /// <param name="jti">The token id; a new UUID when null.</param>
    /// <param name="now">The issue time; a time in the past with a short <paramref name="ttl"/> gives an expired token.</param>
    public static string Mint(
        string signingKey,
        string shopId,
        string scope,
        string? subject,
        TimeSpan ttl,
        string? jti,
        DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(shopId);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);

        var claims = new Dictionary<string, object>
        {
            ["shop_id"] = shopId,
            ["scope"] = scope,
            ["jti"] = string.IsNullOrWhiteSpace(jti) ? Guid.NewGuid().ToString() : jti,
        };
        if (!string.IsNullOrWhiteSpace(subject))
        {
            claims["sub"] = subject;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + ttl).UtcDateTime,
            SigningCredentials = new SigningCredentials(CreateSigningKey(signingKey), SecurityAlgorithms.HmacSha256),
        };

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}

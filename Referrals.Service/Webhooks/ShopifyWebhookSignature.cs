using System.Security.Cryptography;
using System.Text;

namespace Referrals.Service.Webhooks;

/// <summary>
/// Shopify signs every webhook: X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(raw body, the app's client secret)).
/// Compared in constant time, on the raw bytes, before anything in the body is trusted.
/// </summary>
public static class ShopifyWebhookSignature
{
    public const string Header = "X-Shopify-Hmac-Sha256";

    public static bool IsValid(ReadOnlySpan<byte> body, string secret, string? signature) =>
        IsValid(body, Encoding.UTF8.GetBytes(secret), signature);

    /// <summary>The same, with the secret already as the HMAC key (its UTF-8 bytes).</summary>
    public static bool IsValid(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 128)
            return false;

        Span<byte> claimed = stackalloc byte[96];
        if (!Convert.TryFromBase64String(signature, claimed, out var claimedLength) || claimedLength != HMACSHA256.HashSizeInBytes)
            return false;

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, claimed[..claimedLength]);
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

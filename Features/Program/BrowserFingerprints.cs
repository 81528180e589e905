using System.Security.Cryptography;
using System.Text;

namespace Referrals.Service.Features.Program;

/// <summary>
/// The velocity rule's key: HMAC-SHA256 of the shop, the order's browser IP and its user agent under a secret salt
/// (`Program:BrowserFingerprintSalt`). Computed when the webhook is accepted; only the hash travels on (ConvertOrder)
/// and is stored, never the raw IP or user agent. Without a salt, or without both values, there is no fingerprint
/// and the velocity rule passes the order.
/// </summary>
public sealed class BrowserFingerprints(byte[]? salt)
{
    public const string SaltKey = "Program:BrowserFingerprintSalt";

    public static BrowserFingerprints From(IConfiguration configuration) =>
        new(configuration[SaltKey] is { Length: > 0 } salt ? Encoding.UTF8.GetBytes(salt) : null);

    public string? Of(Guid shopId, string? browserIp, string? userAgent)
    {
        if (salt is null || string.IsNullOrWhiteSpace(browserIp) || string.IsNullOrWhiteSpace(userAgent))
            return null;
        var hash = HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes($"{shopId:D}\n{browserIp.Trim()}\n{userAgent.Trim()}"));
        return Convert.ToHexStringLower(hash);
    }
}

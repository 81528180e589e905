using System.Text.RegularExpressions;

namespace Referrals.Service.Tenancy;

/// <summary>
/// A shop's permanent domain as Shopify names it: `{handle}.myshopify.com`, lower case. Anything else (a custom
/// domain, `dev-shop.myshopify.com.evil.com`, a header with injected text) is no shop's and is never looked up.
/// </summary>
public static partial class ShopDomains
{
    public const int MaxLength = 255;

    /// <summary>The normalized domain, or null when <paramref name="domain"/> is not a myshopify.com shop domain.</summary>
    public static string? Normalize(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain) || domain.Length > MaxLength)
            return null;
        var normalized = domain.Trim().ToLowerInvariant();
        return MyShopifyDomain().IsMatch(normalized) ? normalized : null;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.myshopify\\.com$", RegexOptions.CultureInvariant)]
    private static partial Regex MyShopifyDomain();
}

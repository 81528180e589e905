using System.Text.RegularExpressions;
using Referrals.Service.Features.Links;

namespace Referrals.Service.Features.Conversions;

/// <summary>
/// Which referral link an order came through. A referral code is a referral_link_id (12 base62 characters).
/// Precedence, first match wins:
/// <list type="number">
/// <item>a code in <c>discount_codes</c> — the buyer entered it at checkout and Shopify applied it;</item>
/// <item>the <c>ref</c> query parameter of <c>landing_site</c> — the link the buyer arrived through;</item>
/// <item>the <c>referral_code</c> note attribute — set by storefront scripts, the easiest to lose or alter.</item>
/// </list>
/// Discount codes that are not shaped like a link id are ordinary discounts and are skipped.
/// </summary>
public static partial class ReferralAttribution
{
    public static string? CodeOf(IReadOnlyList<string> discountCodes, string? landingSiteRef, string? noteReferralCode) =>
        discountCodes.FirstOrDefault(IsReferralCode)
        ?? (IsReferralCode(landingSiteRef) ? landingSiteRef : null)
        ?? (IsReferralCode(noteReferralCode) ? noteReferralCode : null);

    public static bool IsReferralCode(string? code) => code is not null && LinkIdShape().IsMatch(code);

    /// <summary>The `ref` parameter of a landing_site such as "/products/x?utm_source=sms&amp;ref=Ab12Cd34Ef56".</summary>
    public static string? RefOfLandingSite(string? landingSite)
    {
        if (string.IsNullOrEmpty(landingSite))
            return null;
        var query = landingSite.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? landingSite[(at + 1)..] : "";
        var fragment = query.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
            query = query[..fragment];
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator] == "ref")
                return Uri.UnescapeDataString(pair[(separator + 1)..]);
        }
        return null;
    }

    [GeneratedRegex("^[0-9A-Za-z]{12}$")] // ReferralLinkIds: 12 base62 characters
    private static partial Regex LinkIdShape();
}

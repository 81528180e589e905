namespace Referrals.Service.Features.Translations;

/// <summary>
/// One version of a shop's own wording of a message in one locale, written by the shop's admin. Tenant data of its
/// shop (conjoined tenancy: tenant id = shop_id), so one shop's override never reaches another shop's customers.
/// Versions of a (shop, key, locale) count up from 1 and the highest is current, as for the platform defaults; where a
/// shop has no override, the platform default (<see cref="Translation"/>) is the text.
/// </summary>
public sealed record TranslationOverride(
    Guid Id,
    string Key,
    string Locale,
    string Value,
    int Version,
    DateTimeOffset CreatedAt);

/// <summary>Where the text a shop's customers read comes from.</summary>
public static class TextSource
{
    public const string Platform = "platform";
    public const string Shop = "shop";
}

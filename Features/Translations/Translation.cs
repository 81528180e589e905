namespace Referrals.Service.Features.Translations;

/// <summary>
/// One version of a platform default message in one locale (platform operators write them). Versions of a
/// (key, locale) count up from 1; the highest is the current one, so unique (key, locale, version) leaves exactly
/// one current version. A shop's own wording is a <see cref="TranslationOverride"/> on top of it.
/// </summary>
public sealed record Translation(
    Guid Id,
    string Key,
    string Locale,
    string Value,
    int Version,
    DateTimeOffset CreatedAt,
    Guid? CreatedByShopId);

public static class SupportedLocales
{
    public const string English = "en";
    public const string Arabic = "ar";
    public const string Hebrew = "he";

    public static readonly IReadOnlyList<string> All = [English, Arabic, Hebrew];

    public static bool IsSupported(string? locale) => locale is English or Arabic or Hebrew;

    /// <summary>The locale to answer in: the requested one when supported, otherwise en.</summary>
    public static string OrEnglish(string? locale) => IsSupported(locale) ? locale! : English;
}

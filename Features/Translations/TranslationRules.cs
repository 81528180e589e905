using System.Text.RegularExpressions;

namespace Referrals.Service.Features.Translations;

/// <summary>A validation rule a new translation version broke; <see cref="Rule"/> is its stable name.</summary>
public sealed record BrokenRule(string Field, string Rule, string Reason);

/// <summary>
/// What every translation version must satisfy before it is written: a known key and a supported locale,
/// the same placeholders as en, the locale's script, and nothing that looks like PII.
/// </summary>
public static partial class TranslationRules
{
    public const int MaxValueLength = 500;

    public const string LocaleSupported = "locale_supported";
    public const string KeyKnown = "key_known";
    public const string ValueLength = "value_length";
    public const string PlaceholdersMatchEnglish = "placeholders_match_en";
    public const string ScriptMatchesLocale = "script_matches_locale";
    public const string NoPii = "no_pii";

    /// <param name="currentByLocale">the current value of the key in each locale that has one.</param>
    public static IReadOnlyList<BrokenRule> Check(string key, string locale, string value,
        IReadOnlyDictionary<string, string> currentByLocale)
    {
        var broken = new List<BrokenRule>();
        if (!SupportedLocales.IsSupported(locale))
            broken.Add(new("locale", LocaleSupported, $"locale must be one of {string.Join(", ", SupportedLocales.All)}"));
        if (currentByLocale.Count == 0)
            broken.Add(new("key", KeyKnown, "only keys the service emits can get new versions"));
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxValueLength)
            broken.Add(new("value", ValueLength, $"value must have 1 to {MaxValueLength} characters"));
        if (broken.Count > 0)
            return broken;

        // en defines the placeholders; a new en version must keep those the other locales already use.
        var placeholders = Placeholders(value);
        var others = locale == SupportedLocales.English
            ? currentByLocale.Where(c => c.Key != SupportedLocales.English).Select(c => c.Value)
            : currentByLocale.Where(c => c.Key == SupportedLocales.English).Select(c => c.Value);
        if (others.Any(other => !Placeholders(other).SetEquals(placeholders)))
            broken.Add(new("value", PlaceholdersMatchEnglish, "placeholders must be the same as in the en text"));

        if (!IsInScriptOf(locale, WithoutPlaceholders(value)))
            broken.Add(new("value", ScriptMatchesLocale, $"value must be written in the script of '{locale}'"));

        if (EmailLike().IsMatch(value) || PhoneLike().IsMatch(value))
            broken.Add(new("value", NoPii, "value must not contain an email address or phone number"));

        return broken;
    }

    public static HashSet<string> Placeholders(string value) =>
        Placeholder().Matches(value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every letter outside placeholders is of the locale's script, and there is at least one.</summary>
    public static bool IsInScriptOf(string locale, string text)
    {
        var letters = text.Where(char.IsLetter).ToList();
        return letters.Count > 0 && locale switch
        {
            SupportedLocales.Arabic => letters.All(IsArabic),
            SupportedLocales.Hebrew => letters.All(IsHebrew),
            SupportedLocales.English => letters.All(IsLatin),
            _ => false,
        };
    }

    private static string WithoutPlaceholders(string value) => Placeholder().Replace(value, " ");

    private static bool IsArabic(char c) =>
        c is (>= '\u0600' and <= '\u06FF') or (>= '\u0750' and <= '\u077F') or (>= '\u08A0' and <= '\u08FF')
            or (>= '\uFB50' and <= '\uFDFF') or (>= '\uFE70' and <= '\uFEFF');

    private static bool IsHebrew(char c) => c is (>= '\u0590' and <= '\u05FF') or (>= '\uFB1D' and <= '\uFB4F');

    private static bool IsLatin(char c) => char.IsAsciiLetter(c) || c is (>= '\u00C0' and <= '\u024F');

    [GeneratedRegex(@"\{([a-z_][a-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[\w.%+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex EmailLike();

    // Seven or more digits, possibly split by spaces, dots, dashes or brackets (any script's digits).
    [GeneratedRegex(@"\+?\d[\d\s().-]{5,}\d")]
    private static partial Regex PhoneLike();
}

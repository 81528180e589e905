extern alias service;

using service::Referrals.Service.Features.Translations;

namespace Referrals.Service.Tests.Translations;

[Trait("Tier", "Unit")]
public sealed class TranslationRulesTests
{
    private const string Key = "referral.description";
    private const string English = "Invite {name} and earn {points} points";
    private const string Arabic = "ادع {name} واربح {points} نقطة";
    private const string Hebrew = "הזמן את {name} וקבל {points} נקודות";

    private static readonly Dictionary<string, string> Current = new()
    {
        ["en"] = English,
        ["ar"] = Arabic,
        ["he"] = Hebrew,
    };

    [Theory]
    [InlineData("en", English)]
    [InlineData("ar", Arabic)]
    [InlineData("he", Hebrew)]
    public void A_version_in_a_supported_locale_that_keeps_the_placeholders_breaks_no_rule(string locale, string value)
    {
        var broken = TranslationRules.Check(Key, locale, value, Current);

        broken.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("EN")]
    [InlineData("")]
    public void A_locale_the_service_does_not_support_breaks_locale_supported(string locale)
    {
        var broken = TranslationRules.Check(Key, locale, English, Current);

        broken.ShouldContain(new BrokenRule("locale", TranslationRules.LocaleSupported, "locale must be one of en, ar, he"));
    }

    [Fact]
    public void A_key_without_any_current_version_breaks_key_known()
    {
        var broken = TranslationRules.Check("referral.unknown", "en", English, new Dictionary<string, string>());

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.KeyKnown);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_or_blank_value_breaks_value_length(string value)
    {
        var broken = TranslationRules.Check(Key, "en", value, Current);

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.ValueLength);
    }

    [Fact]
    public void A_value_longer_than_500_characters_breaks_value_length()
    {
        var value = new string('a', TranslationRules.MaxValueLength + 1);

        var broken = TranslationRules.Check(Key, "en", value, new Dictionary<string, string> { ["en"] = "a" });

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.ValueLength);
    }

    [Fact]
    public void A_value_of_exactly_500_characters_keeps_value_length()
    {
        var value = new string('a', TranslationRules.MaxValueLength);

        var broken = TranslationRules.Check(Key, "en", value, new Dictionary<string, string> { ["en"] = "a" });

        broken.ShouldBeEmpty();
    }

    [Fact]
    public void Every_broken_rule_of_the_first_checks_is_named_at_once_and_the_value_is_not_checked_further()
    {
        var broken = TranslationRules.Check("referral.unknown", "fr", "", new Dictionary<string, string>());

        broken.Select(b => b.Rule).ShouldBe(
            [TranslationRules.LocaleSupported, TranslationRules.KeyKnown, TranslationRules.ValueLength]);
    }

    [Theory]
    [InlineData("ادع {name} واربح نقاطا")] // {points} dropped
    [InlineData("ادع {name} واربح {points} نقطة {bonus}")] // a placeholder en does not have
    [InlineData("ادع {friend} واربح {points} نقطة")] // renamed
    public void A_translation_whose_placeholders_differ_from_the_en_text_breaks_placeholders_match_en(string value)
    {
        var broken = TranslationRules.Check(Key, "ar", value, Current);

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.PlaceholdersMatchEnglish);
    }

    [Fact]
    public void A_new_en_version_that_drops_a_placeholder_the_other_locales_use_breaks_placeholders_match_en()
    {
        var broken = TranslationRules.Check(Key, "en", "Invite a friend and earn {points} points", Current);

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.PlaceholdersMatchEnglish);
    }

    [Fact]
    public void A_placeholder_may_move_within_the_sentence()
    {
        var broken = TranslationRules.Check(Key, "en", "Earn {points} points by inviting {name}", Current);

        broken.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("he", "Invite {name} and earn {points} points")]
    [InlineData("ar", "הזמן את {name} וקבל {points} נקודות")]
    [InlineData("en", "ادع {name} واربح {points} نقطة")]
    [InlineData("ar", "ادع {name} واربح {points} نقطة now")]
    [InlineData("he", "{name} {points} 100")]
    public void A_value_not_written_in_the_script_of_its_locale_breaks_script_matches_locale(string locale, string value)
    {
        var broken = TranslationRules.Check(Key, locale, value, Current);

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.ScriptMatchesLocale);
    }

    [Fact]
    public void Latin_letters_with_accents_are_of_the_en_script()
    {
        var broken = TranslationRules.Check(Key, "en", "Invite {name} and earn {points} points, café included", Current);

        broken.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("en", "Invite {name} and earn {points} points: write to jane.doe@example.com")]
    [InlineData("en", "Invite {name} and earn {points} points, call +1 (555) 123-4567")]
    [InlineData("ar", "ادع {name} واربح {points} نقطة ٠٥٥١٢٣٤٥٦٧")]
    public void An_email_address_or_phone_number_in_the_value_breaks_no_pii(string locale, string value)
    {
        var broken = TranslationRules.Check(Key, locale, value, Current);

        broken.ShouldHaveSingleItem().Rule.ShouldBe(TranslationRules.NoPii);
    }

    [Fact]
    public void A_short_number_is_not_taken_for_a_phone_number()
    {
        var broken = TranslationRules.Check(Key, "en", "Invite {name} and earn {points} points, up to 500000", Current);

        broken.ShouldBeEmpty();
    }
}

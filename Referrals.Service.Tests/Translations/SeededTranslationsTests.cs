using System.Text.Json;
using System.Text.RegularExpressions;
using Referrals.Service.Tests.Infrastructure;

namespace Referrals.Service.Tests.Translations;

[Collection(IntegrationTier.Name)]
public sealed partial class SeededTranslationsTests(ReferralsApp app)
{
    private static readonly string[] KeysTheServiceEmits =
    [
        "referral.status.queued", "referral.status.pending", "referral.status.in_progress", "referral.status.completed",
        "referral.status.rewarded", "referral.status.failed", "referral.status.cancelled",
        "referral.invite", "referral.thank_you",
        // GetReferralStatus's reason_description, one per ReferralReason code.
        "reason.self_referral", "reason.not_new_customer", "reason.below_minimum", "reason.advocate_cap_reached",
        "reason.buyer_already_referred", "reason.velocity", "reason.advocate_blocked", "reason.under_review",
        "reason.review_rejected", "reason.order_cancelled", "reason.order_refunded",
    ];

    [Fact]
    public async Task Every_key_has_exactly_one_current_version_in_en_ar_and_he_and_the_emitted_keys_are_all_there()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.OperatorClient();

        var current = (await http.ListPlatformVersionsAsync(ct)).Current();

        var byKey = current.GroupBy(t => t.GetProperty("key").GetString()!).ToDictionary(g => g.Key,
            g => g.Select(t => t.GetProperty("locale").GetString()!).Order(StringComparer.Ordinal).ToList());
        byKey.Keys.ShouldBeSubsetOf(KeysTheServiceEmits);
        foreach (var key in KeysTheServiceEmits)
            byKey.GetValueOrDefault(key).ShouldBe(["ar", "en", "he"], customMessage: key);
    }

    [Fact]
    public async Task Arabic_texts_are_in_arabic_script_hebrew_in_hebrew_english_in_latin_and_placeholders_match_en()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = app.OperatorClient();

        var current = (await http.ListPlatformVersionsAsync(ct)).Current();

        current.Count.ShouldBeGreaterThanOrEqualTo(KeysTheServiceEmits.Length * 3);
        foreach (var text in current)
        {
            var (key, locale, value) = (Text(text, "key"), Text(text, "locale"), Text(text, "value"));
            var english = Text(current.Single(t => Text(t, "key") == key && Text(t, "locale") == "en"), "value");
            Scripts.Of(value).ShouldBe([Scripts.Expected(locale)], customMessage: $"{key} {locale}");
            Placeholders(value).ShouldBe(Placeholders(english), customMessage: $"{key} {locale}");
        }
        Placeholders(Text(current.Single(t => Text(t, "key") == "referral.invite" && Text(t, "locale") == "ar"), "value"))
            .ShouldBe(["{customer}"]);
    }

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;

    private static List<string> Placeholders(string value) =>
        [.. Placeholder().Matches(value).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex Placeholder();
}
